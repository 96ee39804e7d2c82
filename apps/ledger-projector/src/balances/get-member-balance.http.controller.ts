import { Controller, Get, HttpStatus, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Kysely } from 'kysely';
import { z } from 'zod';
import { type Database } from '@loyalty/db';
import { ApiKeyGuard, ProblemException, TenantId, ZodValidationPipe } from '@loyalty/http';
import { DATABASE } from '../database.provider';
import { type MemberBalanceView, getMemberBalance } from './get-member-balance.query';

const memberIdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, 'may hold letters, digits and . _ : @ -');

@ApiTags('balances')
@ApiSecurity('api-key')
@Controller('v1/members')
@UseGuards(ApiKeyGuard)
export class GetMemberBalanceHttpController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get(':memberId/balance')
  @ApiOperation({ summary: "A member's points per currency: active (spendable) and pending (in the return window)" })
  @ApiResponse({ status: 200, description: 'The balance as projected from the ledger' })
  @ApiResponse({ status: 404, description: 'The ledger holds nothing for this member in this tenant' })
  async balance(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(memberIdParam)) memberId: string,
  ): Promise<MemberBalanceView> {
    const view = await getMemberBalance(this.db, tenantId, memberId);
    if (view === null) {
      throw new ProblemException({ title: 'Member not found', status: HttpStatus.NOT_FOUND, code: 'MEMBER.NOT_FOUND', detail: `no ledger entries for member ${memberId}` });
    }
    return view;
  }
}
