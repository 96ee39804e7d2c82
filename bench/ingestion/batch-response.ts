// Counts what a `POST /v1/purchases/batch` answer accepted. A 202 for the request does not mean
// every purchase in it was recorded, so purchases/s counts only the items the answer reports as
// recorded. The per-item shape is not settled yet: an item counts as failed when it carries an
// error marker (status >= 300, `error`, `problem`, `ok: false`, `accepted: false`) or is missing.

export interface BatchCount {
  readonly accepted: number;
  readonly failed: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function itemFailed(item: unknown): boolean {
  if (!isRecord(item)) return true;
  if (typeof item['status'] === 'number' && item['status'] >= 300) return true;
  return 'error' in item || 'problem' in item || item['ok'] === false || item['accepted'] === false;
}

export function countBatchResponse(body: string, sent: number): BatchCount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { accepted: 0, failed: sent };
  }
  const results = isRecord(parsed) ? parsed['results'] : undefined;
  if (!Array.isArray(results)) return { accepted: 0, failed: sent };
  const considered = results.slice(0, sent);
  const failedItems = considered.filter(itemFailed).length;
  const missing = Math.max(0, sent - considered.length);
  return { accepted: considered.length - failedItems, failed: failedItems + missing };
}
