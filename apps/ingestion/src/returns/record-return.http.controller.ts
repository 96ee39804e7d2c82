import { Body, Controller, Headers, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { z } from 'zod';
import { TenantAuthGuard, TenantId, ZodValidationPipe } from '@loyalty/http';
import { correlationIdFrom } from '../http/correlation-id';
import { sendOutcome } from '../http/outcome-response';
import { assertTenant } from '../http/tenant-scope';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { recordReturnCommand } from './record-return.command';
import { type RecordReturnRequest, recordReturnRequestSchema } from './record-return.request';

@ApiTags('returns')
@ApiSecurity('api-key')
@Controller('v1/returns')
@UseGuards(TenantAuthGuard)
export class RecordReturnHttpController {
  constructor(@Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline) {}

  @Post()
  @ApiOperation({ summary: 'Record a return of lines of an earlier purchase; reverses the points they earned, in proportion' })
  @ApiBody({ schema: z.toJSONSchema(recordReturnRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Recorded: event ids, points reversed, consistency token' })
  @ApiResponse({ status: 404, description: 'Unknown transaction or line for this member' })
  @ApiResponse({ status: 409, description: 'Lines already returned in full, or the return id was used for another return' })
  async record(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(recordReturnRequestSchema)) body: RecordReturnRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    assertTenant(tenantId, body.tenantId);
    return sendOutcome(reply, await this.pipeline.execute(recordReturnCommand(body), correlationIdFrom(correlation)));
  }
}
