import { type ConnectorEvent } from '@loyalty/domain';

/**
 * The loyalty fields a destination can map to remote attributes and event properties: the public
 * event's fields, the tier's id or name, and `balance.<currency>.active|pending|total`.
 */
export const LOYALTY_FIELD_PATTERN =
  /^(eventId|type|tenantId|memberId|occurredAt|recordedAt|programVersion|points|currency|direction|reason|qualifyingPoints|customTiers|expiresAt|deadline|pointsNeeded|(tier|previousTier)\.(id|name)|balance\.[A-Za-z0-9_-]+\.(active|pending|total))$/;

export type FieldValue = string | number | readonly string[] | null;

/**
 * One loyalty field of a public event; null when the event has no value for it (such fields are
 * left out of what is sent, so a mapping can name fields only some event types carry).
 *
 * @example
 * loyaltyField(event, 'tier.name'); // 'Gold'
 * loyaltyField(event, 'balance.permanent.active'); // 5400
 */
export function loyaltyField(event: ConnectorEvent, field: string): FieldValue {
  const [head, second, third] = field.split('.');
  if (head === 'tier' || head === 'previousTier') {
    const tier = event[head];
    return tier === null ? null : second === 'name' ? tier.name : tier.id;
  }
  if (head === 'balance') {
    const balance = event.balances.find((b) => b.currency === second);
    if (balance === undefined) return 0;
    return third === 'active' ? balance.active : third === 'pending' ? balance.pending : balance.active + balance.pending;
  }
  const value = (event as unknown as Record<string, FieldValue | undefined>)[field];
  return value === undefined ? null : value;
}

/** The mapping applied to an event: remote name → value, nulls left out. */
export function mapFields(event: ConnectorEvent, mapping: Readonly<Record<string, string>>): Record<string, string | number | readonly string[]> {
  const mapped: Record<string, string | number | readonly string[]> = {};
  for (const [remote, field] of Object.entries(mapping)) {
    const value = loyaltyField(event, field);
    if (value !== null) mapped[remote] = value;
  }
  return mapped;
}
