import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { BloomreachStub } from './bloomreach.stub';
import { BrazeStub } from './braze.stub';
import { handleControl } from './control.http';
import { FaultInjector } from './fault-injection';
import { readBody } from './read-body';
import { ReceivedLog, type ReceivedFilter, type ReceivedItem } from './received-log';
import { stubAccountsSchema } from './stub-accounts';
import { parseStubFaults, type StubFaults } from './stub-faults';
import { failed, send } from './send-answer';
import { type StubRequest, type StubResponse } from './stub-http';
import { resolveLimits } from './stub-limits';
import { StatsCounter, type StubStats } from './stub-stats';
import { isStubVendor, STUB_VENDORS, type StubVendor } from './stub-vendor';
import { type StubContext, type VendorStub } from './vendor-stub';
import { type StartVendorStubsOptions, type VendorStubs } from './vendor-stubs';
import { VoucherifyStub } from './voucherify.stub';
import { WebhookReceiverStub } from './webhook-receiver.stub';

const CONTROL_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts the Bloomreach, Braze, Voucherify and signed-webhook stubs on one port.
 *
 * @example
 * const stubs = await startVendorStubs({ accounts });
 * // configure the connector with stubs.urls.braze, run it, then:
 * expect(stubs.received('braze', { customerId: 'member-123' })).toHaveLength(1);
 * await stubs.close();
 */
export async function startVendorStubs(options: StartVendorStubsOptions): Promise<VendorStubs> {
  const stubs = new StubServer(options);
  await stubs.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return stubs;
}

class StubServer implements VendorStubs {
  baseUrl = '';
  urls = { bloomreach: '', braze: '', voucherify: '', webhooks: '' };
  private readonly server: Server;
  private readonly stubs: Readonly<Record<StubVendor, VendorStub>>;
  private readonly log = new ReceivedLog();
  private readonly counters = new Map<StubVendor, StatsCounter>();
  private readonly injectors = new Map<StubVendor, FaultInjector>();
  private closing: Promise<void> | undefined;

  constructor(options: StartVendorStubsOptions) {
    const parsed = stubAccountsSchema.safeParse(options.accounts);
    if (!parsed.success) throw new RangeError(`invalid stub accounts: ${parsed.error.issues[0]?.path.map(String).join('.') ?? ''}`);
    const accounts = parsed.data;
    const limits = resolveLimits(options.limits);
    this.stubs = {
      bloomreach: new BloomreachStub(accounts.bloomreach, limits),
      braze: new BrazeStub(accounts.braze, limits),
      voucherify: new VoucherifyStub(accounts.voucherify, limits),
      webhooks: new WebhookReceiverStub(accounts.webhooks),
    };
    for (const vendor of STUB_VENDORS) {
      this.counters.set(vendor, new StatsCounter());
      this.injectors.set(vendor, new FaultInjector());
    }
    this.server = createServer((request, response) => {
      this.dispatch(request, response).catch((error: unknown) => failed(response, error));
    });
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port: bound } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${urlHost(host)}:${bound}`;
    this.urls = {
      bloomreach: `${this.baseUrl}/bloomreach`,
      braze: `${this.baseUrl}/braze`,
      voucherify: `${this.baseUrl}/voucherify`,
      webhooks: `${this.baseUrl}/webhooks`,
    };
  }

  received(vendor: StubVendor, filter?: ReceivedFilter): ReceivedItem[] {
    return this.log.list(vendor, filter);
  }

  stats(vendor: StubVendor): StubStats {
    return this.counter(vendor).snapshot();
  }

  setFaults(vendor: StubVendor, faults: StubFaults): void {
    this.injector(vendor).set(parseStubFaults(faults));
  }

  reset(vendor?: StubVendor): void {
    for (const each of vendor === undefined ? STUB_VENDORS : [vendor]) {
      this.log.clear(each);
      this.counters.set(each, new StatsCounter());
      this.injector(each).set({});
      this.stubs[each].reset();
    }
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets would hold close() open until the clients let go.
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    const prefixEnd = path.indexOf('/', 1);
    const prefix = path.slice(1, prefixEnd === -1 ? undefined : prefixEnd);
    if (isStubVendor(prefix)) {
      await this.vendorRequest(prefix, prefixEnd === -1 ? '' : path.slice(prefixEnd), query, request, response);
      return;
    }
    const { body } = await readBody(request, CONTROL_MAX_BODY_BYTES);
    send(response, handleControl(request.method ?? 'GET', path, query, body, this));
  }

  private async vendorRequest(vendor: StubVendor, path: string, query: URLSearchParams, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const stub = this.stubs[vendor];
    const counter = this.counter(vendor);
    const injector = this.injector(vendor);
    counter.request();
    const { body, tooLarge } = await readBody(request, stub.maxBodyBytes);
    const stubRequest: StubRequest = {
      method: request.method ?? 'GET',
      path,
      query,
      headers: request.headers,
      body,
      bodyTooLarge: tooLarge,
      clientIp: request.socket.remoteAddress ?? 'unknown',
      nowMs: Date.now(),
    };
    const fault = injector.decide();
    if (fault.delayMs > 0) {
      counter.injectedFault('slow');
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    let answer: StubResponse;
    if (fault.outcome.kind === 'rate-limited') {
      counter.injectedFault('rateLimited');
      answer = stub.injectedRateLimit(stubRequest, fault.outcome.retryAfterSeconds);
    } else if (fault.outcome.kind === 'server-error') {
      counter.injectedFault('errors');
      answer = stub.injectedServerError(stubRequest, fault.outcome.status);
    } else {
      answer = stub.handle(stubRequest, this.context(vendor, stubRequest.nowMs, counter, injector));
    }
    counter.answered(answer.status);
    send(response, answer);
  }

  private context(vendor: StubVendor, nowMs: number, counter: StatsCounter, injector: FaultInjector): StubContext {
    let receivedAt: string | undefined;
    return {
      accept: (item) => {
        receivedAt ??= new Date(nowMs).toISOString();
        counter.accepted(this.log.record({ vendor, ...item, receivedAt }).duplicate);
      },
      reject: (count = 1) => counter.rejected(count),
      itemFails: () => {
        const fails = injector.itemFails();
        if (fails) counter.injectedFault('itemFailures');
        return fails;
      },
    };
  }

  private counter(vendor: StubVendor): StatsCounter {
    const counter = this.counters.get(vendor);
    if (counter === undefined) throw new RangeError(`unknown vendor '${String(vendor)}'`);
    return counter;
  }

  private injector(vendor: StubVendor): FaultInjector {
    const injector = this.injectors.get(vendor);
    if (injector === undefined) throw new RangeError(`unknown vendor '${String(vendor)}'`);
    return injector;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
