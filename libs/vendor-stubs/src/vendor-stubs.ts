import { type ReceivedItem } from './received-log';
import { type StubAccounts } from './stub-accounts';
import { type StubFaults } from './stub-faults';
import { type StubLimits } from './stub-limits';
import { type StubStats } from './stub-stats';
import { type StubVendor } from './stub-vendor';

/** The running stubs: one server, one port, a path prefix per vendor. */
export interface VendorStubs {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** baseUrl + '/bloomreach' etc.: what the connector is configured with as each vendor's base URL. */
  readonly urls: { bloomreach: string; braze: string; voucherify: string; webhooks: string };
  received(vendor: StubVendor, filter?: { customerId?: string; name?: string }): ReceivedItem[];
  stats(vendor: StubVendor): StubStats;
  /** Replaces the vendor's previous faults (and restarts its PRNG); throws a RangeError on invalid faults. */
  setFaults(vendor: StubVendor, faults: StubFaults): void;
  /** Clears received items, stats, faults, rate-limit windows and vendor state (Voucherify customers); all vendors by default. */
  reset(vendor?: StubVendor): void;
  close(): Promise<void>;
}

export interface StartVendorStubsOptions {
  accounts: StubAccounts;
  /** default 0: a free port, read it from `baseUrl` */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  limits?: StubLimits;
}
