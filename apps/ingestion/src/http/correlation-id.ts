import { randomUUID } from 'node:crypto';
import { externalId } from '../requests/common.request';

/** The caller's X-Correlation-Id when it is a well-formed id, a fresh one otherwise. */
export function correlationIdFrom(header: string | undefined): string {
  return header !== undefined && externalId.safeParse(header).success ? header : randomUUID();
}
