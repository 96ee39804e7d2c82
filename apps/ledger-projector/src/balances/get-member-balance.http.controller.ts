import { Controller, Get, HttpStatus, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Kysely } from 'kysely';
import type pg from 'pg';
import { z } from 'zod';
import { type Database } from '@loyalty/db';
import { type ProgramConfig } from '@loyalty/domain';
import { ApiKeyGuard, externalId, ProblemException, TenantId, ZodValidationPipe } from '@loyalty/http';
import { type ProgramCatalog } from '@loyalty/programs';
import { PROJECTION_POSITIONS, type ProjectionPositions } from '../consistency/projection-positions';
import { ReadYourWritesInterceptor } from '../consistency/read-your-writes.interceptor';
import { DATABASE, QUERY_POOL } from '../database.provider';
import { HistoryTooLongError, type MemberBalanceAsOfView, getBalanceAsOf } from './get-balance-as-of.query';
import { type MemberBalanceView, getMemberBalance } from './get-member-balance.query';
import { memberBalanceResponseSchema } from './member-balance.response';
import { PROGRAM_CATALOG } from '../tiers/program-catalog.provider';

const balanceQuery = z.strictObject({
  /** An ISO-8601 time: the balance as the ledger stood then. */
  asOf: z.iso.datetime({ offset: true }).optional(),
  consistencyToken: z.string().max(64).optional(),
});

const notFound = (memberId: string) =>
  new ProblemException({ title: 'Member not found', status: HttpStatus.NOT_FOUND, code: 'MEMBER.NOT_FOUND', detail: `no ledger entries for member ${memberId}` });

@ApiTags('balances')
@ApiSecurity('api-key')
@Controller('v1/members')
@UseGuards(ApiKeyGuard)
@UseInterceptors(ReadYourWritesInterceptor)
export class GetMemberBalanceHttpController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(QUERY_POOL) private readonly pool: pg.Pool,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(PROGRAM_CATALOG) private readonly programs: ProgramCatalog,
  ) {}

  @Get(':memberId/balance')
  @ApiOperation({
    summary:
      "A member's points per currency and in total: active, pending, spent, reversed, debited, expired, qualifying; debt; tier, custom tiers, qualifying points and the next tier; the log position reflected",
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 time: the balance and tiers as recorded up to then, with the movements that explain them' })
  @ApiQuery({ name: 'consistencyToken', required: false, description: "A write's consistency token: answer only once the projection has applied it" })
  @ApiHeader({ name: 'X-Consistency-Token', required: false, description: 'The same, as a header' })
  @ApiResponse({
    status: 200,
    description: 'The balance as projected from the ledger; tiers are named by the program version in force now (at `asOf` with it)',
    schema: z.toJSONSchema(memberBalanceResponseSchema, { unrepresentable: 'any' }) as object,
  })
  @ApiResponse({ status: 404, description: 'The ledger holds nothing for this member in this tenant (by `asOf`): no point movement, no tier event' })
  @ApiResponse({ status: 503, description: 'The consistency token was not reached within the bound; retry' })
  async balance(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(externalId)) memberId: string,
    @Query(new ZodValidationPipe(balanceQuery)) query: z.infer<typeof balanceQuery>,
  ): Promise<MemberBalanceView | MemberBalanceAsOfView> {
    if (query.asOf !== undefined) {
      try {
        const asOf = new Date(query.asOf).toISOString();
        const view = await getBalanceAsOf(this.db, tenantId, memberId, asOf, this.tiersAt(tenantId, asOf));
        if (view === null) throw notFound(memberId);
        return view;
      } catch (error) {
        if (!(error instanceof HistoryTooLongError)) throw error;
        throw new ProblemException({ title: 'History too long to fold', status: HttpStatus.UNPROCESSABLE_ENTITY, code: 'BALANCE.AS_OF_TOO_LONG', detail: error.message });
      }
    }
    const view = await getMemberBalance(this.pool, this.positions, tenantId, memberId, this.tiersAt(tenantId, new Date().toISOString()));
    if (view === null) throw notFound(memberId);
    return view;
  }

  /** The tier ladder of the program version in force at `time` (before the first version: the first one's). */
  private tiersAt(tenantId: string, time: string): ProgramConfig['tiers'] {
    try {
      return this.programs.at(tenantId, time).tiers;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const [first] = [...this.programs.of(tenantId).versions].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom));
      if (first === undefined) throw error;
      return first.tiers;
    }
  }
}
