import { isJsonObject, parseJson } from './json-body';
import { type ReceivedFilter, type ReceivedItem } from './received-log';
import { parseStubFaults, type StubFaults } from './stub-faults';
import { json, type StubResponse } from './stub-http';
import { type StubStats } from './stub-stats';
import { isStubVendor, type StubVendor } from './stub-vendor';

/** What the control endpoints drive: the same operations as the in-process API. */
export interface ControlTarget {
  received(vendor: StubVendor, filter?: ReceivedFilter): ReceivedItem[];
  stats(vendor: StubVendor): StubStats;
  setFaults(vendor: StubVendor, faults: StubFaults): void;
  reset(vendor?: StubVendor): void;
}

const VENDOR_ROUTE = /^\/__stub\/([^/]+)\/(received|stats|faults)$/;
const NO_CONTENT: StubResponse = { status: 204 };

/**
 * The control endpoints, for processes that cannot call the stubs in-process (demo, benchmarks,
 * `npm start`): `GET /health`, `GET /__stub/{vendor}/received?customerId=&name=`,
 * `GET /__stub/{vendor}/stats`, `PUT /__stub/{vendor}/faults`, `POST /__stub/reset`.
 */
export function handleControl(method: string, path: string, query: URLSearchParams, body: Buffer, target: ControlTarget): StubResponse {
  if (path === '/health') return method === 'GET' ? json(200, { status: 'ok' }) : methodNotAllowed('GET');
  if (path === '/__stub/reset') return method === 'POST' ? reset(body, target) : methodNotAllowed('POST');
  const match = VENDOR_ROUTE.exec(path);
  if (match === null) return json(404, { error: 'not found' });
  const vendor = match[1];
  if (!isStubVendor(vendor)) return json(404, { error: `unknown vendor '${vendor ?? ''}'` });
  switch (match[2]) {
    case 'received':
      return method === 'GET' ? json(200, target.received(vendor, filterOf(query))) : methodNotAllowed('GET');
    case 'stats':
      return method === 'GET' ? json(200, target.stats(vendor)) : methodNotAllowed('GET');
    default:
      return method === 'PUT' ? setFaults(vendor, body, target) : methodNotAllowed('PUT');
  }
}

function filterOf(query: URLSearchParams): ReceivedFilter {
  // An empty parameter (`?customerId=`) means no filter, as a form would send it.
  const customerId = query.get('customerId') || undefined;
  const name = query.get('name') || undefined;
  return { ...(customerId === undefined ? {} : { customerId }), ...(name === undefined ? {} : { name }) };
}

function setFaults(vendor: StubVendor, body: Buffer, target: ControlTarget): StubResponse {
  const parsed = parseJson(body);
  if (!parsed.ok) return json(400, { error: 'body must be JSON (StubFaults)' });
  try {
    target.setFaults(vendor, parseStubFaults(parsed.value));
  } catch (error) {
    return json(400, { error: (error as Error).message });
  }
  return NO_CONTENT;
}

function reset(body: Buffer, target: ControlTarget): StubResponse {
  if (body.length === 0) {
    target.reset();
    return NO_CONTENT;
  }
  const parsed = parseJson(body);
  if (!parsed.ok || !isJsonObject(parsed.value)) return json(400, { error: 'body must be empty or {"vendor": ...}' });
  const vendor = parsed.value.vendor;
  if (vendor === undefined) target.reset();
  else if (isStubVendor(vendor)) target.reset(vendor);
  else return json(400, { error: `unknown vendor '${String(vendor)}'` });
  return NO_CONTENT;
}

function methodNotAllowed(allowed: string): StubResponse {
  return json(405, { error: 'method not allowed' }, { allow: allowed });
}
