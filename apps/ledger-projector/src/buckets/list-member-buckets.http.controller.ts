import { Controller, Get, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Kysely } from 'kysely';
import { z } from 'zod';
import { type Database } from '@loyalty/db';
import { ApiKeyGuard, externalId, TenantId, ZodValidationPipe } from '@loyalty/http';
import { ReadYourWritesInterceptor } from '../consistency/read-your-writes.interceptor';
import { DATABASE } from '../database.provider';
import { type BucketView, listMemberBuckets } from './list-member-buckets.query';

const bucketsQuery = z.strictObject({
  include: z.enum(['open', 'all']).default('open'),
  consistencyToken: z.string().max(64).optional(),
});

@ApiTags('buckets')
@ApiSecurity('api-key')
@Controller('v1/members')
@UseGuards(ApiKeyGuard)
@UseInterceptors(ReadYourWritesInterceptor)
export class ListMemberBucketsHttpController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get(':memberId/buckets')
  @ApiOperation({ summary: "A member's point buckets in spending order: amount, remaining, dates (activation and expiry included) and source" })
  @ApiQuery({ name: 'include', required: false, enum: ['open', 'all'], description: '`open` (default): buckets with points left, not expired; `all`: spent, reversed and expired ones too' })
  @ApiQuery({ name: 'consistencyToken', required: false, description: "A write's consistency token: answer only once the projection has applied it" })
  @ApiResponse({ status: 200, description: 'Up to 1,000 buckets; an empty list when the member has none' })
  async buckets(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(externalId)) memberId: string,
    @Query(new ZodValidationPipe(bucketsQuery)) query: z.infer<typeof bucketsQuery>,
  ): Promise<{ tenantId: string; memberId: string; buckets: BucketView[] }> {
    return { tenantId, memberId, buckets: await listMemberBuckets(this.db, tenantId, memberId, query.include === 'all') };
  }
}
