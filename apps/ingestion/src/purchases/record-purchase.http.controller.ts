import { Body, Controller, Headers, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiKeyGuard, ProblemException, TenantId, ZodValidationPipe, forbiddenTenant } from '@loyalty/http';
import { RecordPurchaseHandler } from './record-purchase.handler';
import { type RecordPurchaseRequest, externalId, recordPurchaseRequestSchema } from './record-purchase.request';

export interface RecordPurchaseResponse {
  readonly eventIds: readonly string[];
  readonly points: number;
  /** Opaque position in the log; the query API can wait until it has applied it. */
  readonly consistencyToken: string | null;
}

@ApiTags('purchases')
@ApiSecurity('api-key')
@Controller('v1/purchases')
@UseGuards(ApiKeyGuard)
export class RecordPurchaseHttpController {
  constructor(private readonly handler: RecordPurchaseHandler) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Record a purchase; its points are appended to the ledger (202 once Kafka acknowledged them)' })
  @ApiBody({ schema: z.toJSONSchema(recordPurchaseRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Durably in the log (acks=all). Sending the same purchase again has no second effect.' })
  @ApiResponse({ status: 400, description: 'Invalid request (problem+json naming each field)' })
  @ApiResponse({ status: 503, description: 'Kafka or the schema registry is unavailable; nothing was recorded. Retry after Retry-After.' })
  async record(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(recordPurchaseRequestSchema)) body: RecordPurchaseRequest,
    @Headers('x-correlation-id') correlationHeader?: string,
  ): Promise<RecordPurchaseResponse> {
    if (body.tenantId !== tenantId) throw forbiddenTenant();
    const correlationId = externalId.safeParse(correlationHeader).success ? (correlationHeader as string) : randomUUID();
    const result = await this.handler.handle(body, correlationId);
    if (result.kind === 'rejected') {
      throw new ProblemException({ title: 'Purchase rejected', status: HttpStatus.UNPROCESSABLE_ENTITY, code: result.code, detail: result.message });
    }
    return {
      eventIds: result.eventIds,
      points: result.points,
      consistencyToken: result.position === null ? null : `v1.${result.position.partition}.${result.position.offset}`,
    };
  }
}
