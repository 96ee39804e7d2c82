import { Controller, Get, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Kysely } from 'kysely';
import { z } from 'zod';
import { type Database } from '@loyalty/db';
import { ApiKeyGuard, externalId, TenantId, ZodValidationPipe } from '@loyalty/http';
import { ReadYourWritesInterceptor } from '../consistency/read-your-writes.interceptor';
import { DATABASE } from '../database.provider';
import { type ExpirationView, listMemberExpirations } from './list-member-expirations.query';

const expirationsQuery = z.strictObject({
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  consistencyToken: z.string().max(64).optional(),
});

@ApiTags('expirations')
@ApiSecurity('api-key')
@Controller('v1/members')
@UseGuards(ApiKeyGuard)
@UseInterceptors(ReadYourWritesInterceptor)
export class ListMemberExpirationsHttpController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get(':memberId/expirations')
  @ApiOperation({ summary: "A member's upcoming expirations: points left in buckets with an expiry date that have not expired yet, soonest first" })
  @ApiQuery({ name: 'until', required: false, description: 'ISO-8601 time: only expirations up to then' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1,000 (default 100)' })
  @ApiQuery({ name: 'consistencyToken', required: false, description: "A write's consistency token: answer only once the projection has applied it" })
  @ApiResponse({ status: 200, description: 'The expirations, with their total per currency' })
  async expirations(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(externalId)) memberId: string,
    @Query(new ZodValidationPipe(expirationsQuery)) query: z.infer<typeof expirationsQuery>,
  ): Promise<{ tenantId: string; memberId: string; expirations: ExpirationView[]; totals: Record<string, number> }> {
    const until = query.until === undefined ? null : new Date(query.until).toISOString();
    const expirations = await listMemberExpirations(this.db, tenantId, memberId, until, query.limit);
    const totals: Record<string, number> = {};
    for (const e of expirations) totals[e.currency] = (totals[e.currency] ?? 0) + e.points;
    return { tenantId, memberId, expirations, totals };
  }
}
