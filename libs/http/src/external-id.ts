import { z } from 'zod';

/**
 * A storefront's own id (member, transaction, redemption…), in a body or a path: bounded, and free
 * of anything a URL, a log line or a Kafka key would mangle. One definition for every service.
 */
export const externalId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, 'may hold letters, digits and . _ : @ -');
