import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type ConnectorDatabase } from '@loyalty/db';
import { ApiKeyGuard, TenantId, ZodValidationPipe, externalId } from '@loyalty/http';
import { type Kysely } from 'kysely';
import { type ConnectorSettings } from '../connector.config';
import { CONNECTOR_DATABASE, CONNECTOR_SETTINGS, ConnectorRuntime } from '../connector-runtime';
import { type DestinationCounts, type MemberDelivery, countDeliveries, memberDeliveries } from './delivery-status.query';

/**
 * Delivery status for a tenant: its destinations (what was delivered, dead-lettered, in flight),
 * and one member's deliveries. A tenant sees its own destinations only.
 */
@ApiTags('delivery status')
@ApiSecurity('api-key')
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class DeliveryStatusHttpController {
  constructor(
    @Inject(CONNECTOR_DATABASE) private readonly db: Kysely<ConnectorDatabase>,
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    private readonly runtime: ConnectorRuntime,
  ) {}

  @Get('destinations')
  @ApiOperation({ summary: "The tenant's destinations: type, forwarded event types, worker state, and counts of delivered, dead-lettered and in-flight events" })
  @ApiResponse({ status: 200, description: 'One entry per enabled destination of the tenant' })
  async destinations(@TenantId() tenantId: string): Promise<{ destinations: (DestinationCounts & { type: string; events: readonly string[]; state: string })[] }> {
    const own = this.settings.destinations.filter((d) => d.config.tenantId === tenantId);
    const counts = await countDeliveries(
      this.db,
      own.map((d) => d.config.name),
    );
    return {
      destinations: own.map((d, i) => ({
        ...(counts[i] ?? { destination: d.config.name, delivered: 0, dead: 0, inFlight: 0, lastDeliveredAt: null }),
        type: d.config.type,
        events: d.config.events,
        state: this.runtime.workers.get(d.config.name)?.failure() === undefined ? 'running' : 'failed',
      })),
    };
  }

  @Get('members/:memberId/deliveries')
  @ApiOperation({ summary: "A member's delivery status per destination, and the member's latest deliveries (status, attempts, reason)" })
  @ApiResponse({ status: 200, description: 'Counts per destination of the tenant, and up to 100 latest deliveries' })
  async member(
    @TenantId() tenantId: string,
    @Param('memberId', new ZodValidationPipe(externalId)) memberId: string,
  ): Promise<{ tenantId: string; memberId: string; destinations: DestinationCounts[]; deliveries: MemberDelivery[] }> {
    const names = this.settings.destinations.filter((d) => d.config.tenantId === tenantId).map((d) => d.config.name);
    return {
      tenantId,
      memberId,
      destinations: await countDeliveries(this.db, names, { tenantId, memberId }),
      deliveries: await memberDeliveries(this.db, tenantId, memberId, names, 100),
    };
  }
}
