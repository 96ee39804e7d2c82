import { Body, Controller, Headers, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { z } from 'zod';
import { TenantAuthGuard, TenantId, ZodValidationPipe, fieldPath, problemType } from '@loyalty/http';
import { correlationIdFrom } from '../http/correlation-id';
import { sendOutcome } from '../http/outcome-response';
import { assertTenant } from '../http/tenant-scope';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { type CommandOutcome } from '../pipeline/member-command';
import { recordPurchaseCommand } from './record-purchase.command';
import { type RecordPurchaseRequest, recordPurchaseBatchRequestSchema, recordPurchaseRequestSchema } from './record-purchase.request';

const problem = (status: number, code: string, detail: string): CommandOutcome => ({
  status,
  body: { type: problemType(code), title: 'Rejected', status, code, detail },
  replayed: false,
});

@ApiTags('purchases')
@ApiSecurity('api-key')
@ApiHeader({ name: 'X-Correlation-Id', required: false })
@Controller('v1/purchases')
@UseGuards(TenantAuthGuard)
export class RecordPurchaseHttpController {
  constructor(@Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline) {}

  @Post()
  @ApiOperation({ summary: 'Record a purchase: 202 once its events are in Kafka (acks=all); a resend answers the original result' })
  @ApiBody({ schema: z.toJSONSchema(recordPurchaseRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Recorded: event ids, points, consistency token' })
  @ApiResponse({ status: 400, description: 'Invalid request (problem+json naming each field)' })
  @ApiResponse({ status: 409, description: 'The transaction id was used for a different purchase' })
  @ApiResponse({ status: 503, description: 'Kafka, the registry or Postgres is unavailable: retry the same request after Retry-After' })
  async record(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(recordPurchaseRequestSchema)) body: RecordPurchaseRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    assertTenant(tenantId, body.tenantId);
    return sendOutcome(reply, await this.pipeline.execute(recordPurchaseCommand(body), correlationIdFrom(correlation)));
  }

  @Post('batch')
  @ApiOperation({ summary: 'Record up to 500 purchases; each is validated, decided and answered on its own (207)' })
  @ApiResponse({ status: 207, description: '`results[i]` answers `purchases[i]` with its own status and body' })
  async recordBatch(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(recordPurchaseBatchRequestSchema)) body: z.infer<typeof recordPurchaseBatchRequestSchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<{ results: { status: number; body: Record<string, unknown> }[] }> {
    const correlationId = correlationIdFrom(correlation);
    const results = await Promise.all(
      body.purchases.map(async (raw): Promise<CommandOutcome> => {
        const parsed = recordPurchaseRequestSchema.safeParse(raw);
        if (!parsed.success) {
          return problem(400, 'REQUEST.INVALID', parsed.error.issues.map((i) => `${fieldPath(i.path) || '(purchase)'}: ${i.message}`).join('; '));
        }
        if (parsed.data.tenantId !== tenantId) return problem(403, 'AUTH.TENANT_MISMATCH', 'the credential does not belong to this tenant');
        try {
          return await this.pipeline.execute(recordPurchaseCommand(parsed.data), correlationId);
        } catch (error) {
          const retriable = (error as { retriable?: boolean }).retriable === true;
          return problem(retriable ? 503 : 500, retriable ? String((error as { code?: string }).code ?? 'UNAVAILABLE') : 'INTERNAL', retriable ? 'retry this purchase' : 'internal error');
        }
      }),
    );
    void reply.status(207);
    return { results: results.map((r) => ({ status: r.status, body: r.body })) };
  }
}
