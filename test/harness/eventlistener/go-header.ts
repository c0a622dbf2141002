/**
 * Go's net/http header model, as the EventListener (a Go server) sees an incoming webhook:
 * keys canonicalised by textproto.CanonicalMIMEHeaderKey, repeated headers kept in arrival
 * order as []string, `Host` removed (Go moves it to Request.Host) and `Transfer-Encoding`
 * removed (moved to Request.TransferEncoding by the body reader).
 */
export type GoHeader = Record<string, string[]>;

// RFC 7230 token characters: what Go accepts in a header key before canonicalising it.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** textproto.CanonicalMIMEHeaderKey: `x-github-event` -> `X-Github-Event`. Invalid keys stay as-is. */
export function canonicalHeaderKey(key: string): string {
  if (!TOKEN.test(key)) return key;
  let upper = true;
  let out = '';
  for (const ch of key) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/** Raw headers (a Node `rawHeaders`-like list of pairs, or a record) -> Go's Header map. */
export function toGoHeader(headers: ReadonlyArray<readonly [string, string]> | Record<string, string | string[]>): GoHeader {
  const pairs: ReadonlyArray<readonly [string, string]> = Array.isArray(headers)
    ? (headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(headers as Record<string, string | string[]>).flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map((one) => [k, one] as const),
      );
  const out: GoHeader = {};
  for (const [rawKey, value] of pairs) {
    const key = canonicalHeaderKey(rawKey);
    if (key === 'Host' || key === 'Transfer-Encoding') continue;
    (out[key] ??= []).push(value);
  }
  return out;
}

/** Node's `req.rawHeaders` ([k, v, k, v, ...]) -> pairs. */
export function pairsFromRawHeaders(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}
