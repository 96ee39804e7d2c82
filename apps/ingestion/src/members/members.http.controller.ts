import { Body, Controller, Delete, Headers, Inject, Param, Patch, Post, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type CustomTier } from '@loyalty/domain';
import { TenantAuthGuard, TenantId, ZodValidationPipe } from '@loyalty/http';
import { correlationIdFrom } from '../http/correlation-id';
import { sendOutcome } from '../http/outcome-response';
import { assertTenant } from '../http/tenant-scope';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { externalId } from '../requests/common.request';
import { changeCustomTierCommand, enrolMemberCommand, updateProfileCommand } from './member.commands';
import {
  type EnrolMemberRequest,
  type UpdateProfileRequest,
  customTierParam,
  enrolMemberRequestSchema,
  memberIdParam,
  updateProfileRequestSchema,
} from './member.requests';

@ApiTags('members')
@ApiSecurity('api-key')
@ApiHeader({ name: 'X-Correlation-Id', required: false })
@Controller('v1/members')
@UseGuards(TenantAuthGuard)
export class MembersHttpController {
  constructor(@Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline) {}

  @Post()
  @ApiOperation({ summary: 'Enrol a member' })
  @ApiBody({ schema: z.toJSONSchema(enrolMemberRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 202, description: 'Enrolled' })
  @ApiResponse({ status: 409, description: 'Already enrolled (with other details)' })
  async enrol(
    @TenantId() tenantId: string,
    @Body(new ZodValidationPipe(enrolMemberRequestSchema)) body: EnrolMemberRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    assertTenant(tenantId, body.tenantId);
    return sendOutcome(reply, await this.pipeline.execute(enrolMemberCommand(body), correlationIdFrom(correlation)));
  }

  @Patch(':memberId')
  @ApiOperation({ summary: "Update a member's contact fields (null clears one)" })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a resend of this update harmless' })
  @ApiBody({ schema: z.toJSONSchema(updateProfileRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  async updateProfile(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(memberIdParam)) memberId: string,
    @Body(new ZodValidationPipe(updateProfileRequestSchema)) body: UpdateProfileRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    const updateId = idempotencyKey !== undefined && externalId.safeParse(idempotencyKey).success ? idempotencyKey : randomUUID();
    return sendOutcome(reply, await this.pipeline.execute(updateProfileCommand(tenantId, memberId, updateId, body), correlationIdFrom(correlation)));
  }

  @Put(':memberId/custom-tiers/:tier')
  @ApiOperation({ summary: 'Assign a custom tier (vip or employee); assigning a held tier changes nothing' })
  async assignTier(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(memberIdParam)) memberId: string,
    @Param('tier', new ZodValidationPipe(customTierParam)) tier: CustomTier,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    return sendOutcome(reply, await this.pipeline.execute(changeCustomTierCommand(tenantId, memberId, tier, true, randomUUID()), correlationIdFrom(correlation)));
  }

  @Delete(':memberId/custom-tiers/:tier')
  @ApiOperation({ summary: 'Revoke a custom tier; revoking one not held changes nothing' })
  async revokeTier(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(memberIdParam)) memberId: string,
    @Param('tier', new ZodValidationPipe(customTierParam)) tier: CustomTier,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-correlation-id') correlation?: string,
  ): Promise<Record<string, unknown>> {
    return sendOutcome(reply, await this.pipeline.execute(changeCustomTierCommand(tenantId, memberId, tier, false, randomUUID()), correlationIdFrom(correlation)));
  }
}
