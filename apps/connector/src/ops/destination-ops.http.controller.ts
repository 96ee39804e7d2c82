import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminKeyGuard, ProblemException, ZodValidationPipe } from '@loyalty/http';
import { z } from 'zod';
import { ConnectorRuntime } from '../connector-runtime';
import { type RedriveResult } from './redrive-dead-letters';
import { type ReplayPlan } from './replay-destination';

const replayBody = z.strictObject({ from: z.string().min(1).max(64) });
const redriveBody = z.strictObject({ eventIds: z.array(z.string().min(1).max(200)).min(1).max(10_000).optional() });

const unknownDestination = (name: string) =>
  new ProblemException({ title: 'Not Found', status: HttpStatus.NOT_FOUND, code: 'CONNECTOR.UNKNOWN_DESTINATION', detail: `No enabled destination is named ${name}.` });

/** Operator actions on a destination (`npm run connector -- replay|dlq redrive` call these). */
@ApiTags('operations')
@ApiSecurity('admin-key')
@Controller('admin/destinations')
@UseGuards(AdminKeyGuard)
export class DestinationOpsHttpController {
  constructor(private readonly runtime: ConnectorRuntime) {}

  @Post(':name/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sends a destination the public events again from an offset (every partition) or an ISO-8601 time' })
  @ApiResponse({ status: 200, description: 'Where each partition starts again, and how many journal rows were forgotten' })
  async replay(@Param('name') name: string, @Body(new ZodValidationPipe(replayBody)) body: z.infer<typeof replayBody>): Promise<ReplayPlan> {
    try {
      const plan = await this.runtime.replay(name, body.from);
      if (plan === undefined) throw unknownDestination(name);
      return plan;
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw new ProblemException({ title: 'Bad Request', status: HttpStatus.BAD_REQUEST, code: 'CONNECTOR.REPLAY_REFUSED', detail: (error as Error).message });
    }
  }

  @Post(':name/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: "Sends a destination's dead letters again: the named events, or all of them" })
  @ApiResponse({ status: 200, description: 'How many were redriven, delivered, and dead again' })
  async redrive(@Param('name') name: string, @Body(new ZodValidationPipe(redriveBody)) body: z.infer<typeof redriveBody>): Promise<RedriveResult> {
    const result = await this.runtime.redrive(name, body.eventIds ?? 'all');
    if (result === undefined) throw unknownDestination(name);
    return result;
  }
}
