import { z } from 'zod';

/** A storefront's member id as it appears in a path: bounded, and free of anything a URL or log would mangle. */
export const memberIdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, 'may hold letters, digits and . _ : @ -');
