import { Body, Controller, Headers, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { z } from 'zod';
import { TenantAuthGuard, TenantId, ZodValidationPipe } from '@loyalty/http';
import { correlationIdFrom } from '../http/correlation-id';
import { sendOutcome } from '../http/outcome-response';
import { assertTenant } from '../http/tenant-scope';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { cancelRedemptionCommand, redeemPointsCommand } from './redemption.commands';
import {
  type CancelRedemptionRequest,
  type RedeemPointsRequest,
  cancelRedemptionRequestSchema,
  redeemPointsRequestSchema,
  redemptionIdParam,
} from './redemption.requests';

@ApiTags('redemptions')
@ApiSecurity('api-key')
@Controller('v1/redemptions')
@UseGuards(TenantAuthGuard)
export class RedemptionsHttpController {
  constructor(@Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline) {}

  @Post()
  @ApiOperation({ summary: 'Spend active points (soonest-expiring first); never more than the member has' })
  @ApiBody({ schema: z.toJSONSchema(redeemPointsRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Spent: the buckets taken, event ids, consistency token' })
  @ApiResponse({ status: 409, description: 'LEDGER.INSUFFICIENT_POINTS, or the redemption id was used for another redemption' })
  async redeem(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(redeemPointsRequestSchema)) body: RedeemPointsRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    assertTenant(tenantId, body.tenantId);
    return sendOutcome(reply, await this.pipeline.execute(redeemPointsCommand(body), correlationIdFrom(correlation)));
  }

  @Post(':redemptionId/cancel')
  @ApiOperation({ summary: 'Cancel a redemption: the same points go back to the same buckets' })
  @ApiBody({ schema: z.toJSONSchema(cancelRedemptionRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  async cancel(
    @TenantId() tenantId: string,
    @Param('redemptionId', new ZodValidationPipe(redemptionIdParam)) redemptionId: string,
    @Body(new ZodValidationPipe(cancelRedemptionRequestSchema)) body: CancelRedemptionRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    assertTenant(tenantId, body.tenantId);
    return sendOutcome(reply, await this.pipeline.execute(cancelRedemptionCommand(redemptionId, body), correlationIdFrom(correlation)));
  }
}
