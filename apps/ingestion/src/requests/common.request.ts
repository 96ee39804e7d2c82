import { z } from 'zod';
import { MAX_LINE_AMOUNT_MINOR } from '@loyalty/domain';

/** Ids are opaque to us but never free text: no separators, control characters or huge strings. */
export { externalId } from '@loyalty/http';

export const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with an offset, e.g. 2026-11-22T10:00:00Z' });

export const moneyMinor = z.number().int('must be an integer amount in minor units').min(0).max(MAX_LINE_AMOUNT_MINOR);

export const slug = z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'must be a lower-case slug');
