import { Body, Controller, Headers, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { z } from 'zod';
import { TenantAuthGuard, TenantId, ZodValidationPipe } from '@loyalty/http';
import { correlationIdFrom } from '../http/correlation-id';
import { sendOutcome } from '../http/outcome-response';
import { assertTenant } from '../http/tenant-scope';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { recordActivityCommand } from './record-activity.command';
import { type RecordActivityRequest, recordActivityRequestSchema } from './record-activity.request';

@ApiTags('activities')
@ApiSecurity('api-key')
@Controller('v1/activities')
@UseGuards(TenantAuthGuard)
export class RecordActivityHttpController {
  constructor(@Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline) {}

  @Post()
  @ApiOperation({ summary: 'Record a custom activity; earns its temporary points within the period limit' })
  @ApiBody({ schema: z.toJSONSchema(recordActivityRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Recorded: event ids, points (0 past the limit), consistency token' })
  @ApiResponse({ status: 422, description: 'The program has no such activity' })
  async record(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(recordActivityRequestSchema)) body: RecordActivityRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    assertTenant(tenantId, body.tenantId);
    return sendOutcome(reply, await this.pipeline.execute(recordActivityCommand(body), correlationIdFrom(correlation)));
  }
}
