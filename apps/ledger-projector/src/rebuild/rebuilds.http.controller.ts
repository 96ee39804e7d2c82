import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminKeyGuard, ProblemException, ZodValidationPipe } from '@loyalty/http';
import { type RebuildRunView, RebuildRuns } from './rebuild-runs';

const startRebuildRequest = z.strictObject({
  projection: z.literal('ledger'),
  /** Swap even when the versions differ (after a change of projection logic). */
  swapOnDifferences: z.boolean().default(false),
});

@ApiTags('admin')
@ApiSecurity('admin-key')
@Controller('v1/admin/rebuilds')
@UseGuards(AdminKeyGuard)
export class RebuildsHttpController {
  constructor(private readonly runs: RebuildRuns) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Rebuild a projection from the log beside the live one; it swaps in only if both match member by member' })
  @ApiResponse({ status: 202, description: 'Started; follow it at GET /v1/admin/rebuilds/current' })
  @ApiResponse({ status: 409, description: 'A rebuild is already running' })
  start(@Body(new ZodValidationPipe(startRebuildRequest)) body: z.infer<typeof startRebuildRequest>): RebuildRunView {
    return this.runs.start({ swapOnDifferences: body.swapOnDifferences, now: new Date().toISOString(), id: randomUUID() });
  }

  @Get('current')
  @ApiOperation({ summary: 'The latest rebuild started through this instance: progress (events/s, lag, ETA) and outcome' })
  @ApiResponse({ status: 404, description: 'No rebuild was started through this instance' })
  current(): RebuildRunView {
    const view = this.runs.view();
    if (view === undefined) throw new ProblemException({ title: 'No rebuild', status: HttpStatus.NOT_FOUND, code: 'REBUILD.NONE', detail: 'no rebuild was started through this instance' });
    return view;
  }
}
