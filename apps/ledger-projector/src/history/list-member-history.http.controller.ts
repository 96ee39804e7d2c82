import { Controller, Get, HttpStatus, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Kysely } from 'kysely';
import { z } from 'zod';
import { type Database } from '@loyalty/db';
import { ApiKeyGuard, externalId, ProblemException, TenantId, ZodValidationPipe } from '@loyalty/http';
import { ReadYourWritesInterceptor } from '../consistency/read-your-writes.interceptor';
import { DATABASE } from '../database.provider';
import { decodeHistoryCursor } from './history-cursor';
import { type HistoryPage, listMemberHistory } from './list-member-history.query';

const historyQuery = z.strictObject({
  cursor: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  consistencyToken: z.string().max(64).optional(),
});

@ApiTags('history')
@ApiSecurity('api-key')
@Controller('v1/members')
@UseGuards(ApiKeyGuard)
@UseInterceptors(ReadYourWritesInterceptor)
export class ListMemberHistoryHttpController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get(':memberId/history')
  @ApiOperation({ summary: "A member's point movements, newest first, with their cause and the buckets they touched (keyset pagination)" })
  @ApiQuery({ name: 'cursor', required: false, description: "The previous page's `nextCursor`" })
  @ApiQuery({ name: 'limit', required: false, description: 'Movements per page, 1-200 (default 50)' })
  @ApiQuery({ name: 'consistencyToken', required: false, description: "A write's consistency token: answer only once the projection has applied it" })
  @ApiResponse({ status: 200, description: 'A page of movements and the cursor of the next one' })
  @ApiResponse({ status: 400, description: 'A cursor that is not one this API handed out' })
  async history(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(externalId)) memberId: string,
    @Query(new ZodValidationPipe(historyQuery)) query: z.infer<typeof historyQuery>,
  ): Promise<{ tenantId: string; memberId: string } & HistoryPage> {
    let before: number | null = null;
    if (query.cursor !== undefined) {
      before = decodeHistoryCursor(query.cursor);
      if (before === null) throw new ProblemException({ title: 'Invalid cursor', status: HttpStatus.BAD_REQUEST, code: 'HISTORY.INVALID_CURSOR', detail: 'pass a nextCursor from an earlier page' });
    }
    return { tenantId, memberId, ...(await listMemberHistory(this.db, tenantId, memberId, before, query.limit)) };
  }
}
