import { Body, Controller, Headers, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { z } from 'zod';
import { AdminKeyGuard, type AdminAuthenticatedRequest, ZodValidationPipe } from '@loyalty/http';
import { correlationIdFrom } from '../http/correlation-id';
import { sendOutcome } from '../http/outcome-response';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { adjustPointsCommand } from './adjust-points.command';
import { type AdjustPointsRequest, adjustPointsRequestSchema } from './adjust-points.request';

@ApiTags('adjustments')
@ApiSecurity('admin-key')
@Controller('v1/adjustments')
@UseGuards(AdminKeyGuard)
export class AdjustPointsHttpController {
  constructor(@Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline) {}

  @Post()
  @ApiOperation({ summary: 'Manual credit or debit with a reason (operators only: X-Admin-Key)' })
  @ApiBody({ schema: z.toJSONSchema(adjustPointsRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Adjusted' })
  @ApiResponse({ status: 409, description: 'A debit larger than the spendable points' })
  async adjust(
    @Req() request: AdminAuthenticatedRequest,
    @Body(new ZodValidationPipe(adjustPointsRequestSchema)) body: AdjustPointsRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    return sendOutcome(reply, await this.pipeline.execute(adjustPointsCommand(body, request.adminLabel ?? 'admin'), correlationIdFrom(correlation)));
  }
}
