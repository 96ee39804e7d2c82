import { randomBytes } from 'node:crypto';

/**
 * Vendor-looking ids (`cust_…`, `v-…`) from a per-instance random prefix and a counter: unique
 * within and across stub runs, without crypto work per request.
 *
 * @example
 * const ids = new HexIds();
 * ids.next('cust_'); // 'cust_5f1c0a9e0000000001'
 */
export class HexIds {
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;

  next(kind: string): string {
    this.counter += 1;
    return `${kind}${this.prefix}${this.counter.toString(16).padStart(10, '0')}`;
  }
}
