/**
 * Fetches remote media (`image_url` / `video_url` http(s) URLs) for the gateway, defensively:
 *
 * - only `http:` and `https:`; no credentials in the URL;
 * - the host must be on the allow-list: exact hosts (`cdn.example.com`, `127.0.0.1`, `::1`) or
 *   wildcards (`*.example.com` matches any subdomain, not `example.com` itself); ports are not
 *   restricted; checked again for every redirect hop;
 * - private, loopback, link-local, CGNAT, multicast, reserved and documentation addresses are
 *   refused — for IP literals and for every address a hostname resolves to, checked inside the
 *   socket's DNS lookup so the address checked is the address connected to (no DNS-rebinding gap)
 *   — unless listed in `allowPrivateAddresses` (exact IPs or CIDRs; the specs allow `127.0.0.1`);
 * - the body is streamed and the request aborted past `maxBytes` (Content-Length is only used to
 *   refuse early, never trusted as a bound) or when `timeoutMs` (one deadline for the whole fetch,
 *   redirects and body included) runs out;
 * - `Accept-Encoding: identity`, so the bytes returned are the media itself.
 *
 * Errors are MediaError-shaped (`name: 'MediaError'`, `code`, `part`), so `isMediaError` from
 * @frontier/multimodal-domain recognises them: `bad_url`, `host_not_allowed`, `fetch_timeout`,
 * `too_large`, `fetch_failed` (with `status` when the server answered non-2xx, or too many redirects).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

export type MediaFetchErrorCode = 'bad_url' | 'host_not_allowed' | 'fetch_timeout' | 'too_large' | 'fetch_failed';

export class MediaFetchError extends Error {
  /** Same name as the domain's MediaError: `isMediaError` accepts both. */
  override readonly name = 'MediaError';
  constructor(
    readonly code: MediaFetchErrorCode,
    message: string,
    readonly part?: string,
    /** the HTTP status for `fetch_failed` when the server answered */
    readonly status?: number,
  ) {
    super(part ? `${part}: ${message}` : message);
  }
}

export interface MediaFetcherOptions {
  /** exact hosts or `*.domain` wildcards (subdomains only); IPv6 with or without brackets */
  allowHosts: readonly string[];
  /** refuse bodies longer than this (bytes) */
  maxBytes: number;
  /** one deadline for the whole fetch: connect, redirects, headers and body */
  timeoutMs: number;
  /** redirects followed (0: none); each target is checked like the first URL */
  maxRedirects: number;
  /** private/loopback addresses (exact IPs or CIDRs like `10.1.0.0/16`) allowed anyway — e.g. `['127.0.0.1']` in tests */
  allowPrivateAddresses?: readonly string[];
  /** DNS resolution (default: node:dns lookup, all addresses); injectable for tests */
  resolve?: (hostname: string) => Promise<readonly LookupAddress[]>;
  /** sent as User-Agent */
  userAgent?: string;
}

export interface FetchedMedia {
  bytes: Uint8Array;
  /** the Content-Type the server declared, if any — not trusted (sniff the bytes) */
  contentType: string | undefined;
  /** the URL finally fetched (after redirects) */
  url: string;
}

export interface MediaFetcher {
  /** `part` labels errors, e.g. `messages[0].content[1]` */
  fetch(url: string, part?: string): Promise<FetchedMedia>;
}

// --- address classes -----------------------------------------------------------------------------

const BLOCKED: ReadonlyArray<[string, string, number, 'ipv4' | 'ipv6']> = [
  ['"this" network', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['carrier-grade NAT', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['IETF protocol assignment', '192.0.0.0', 24, 'ipv4'],
  ['documentation', '192.0.2.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['benchmarking', '198.18.0.0', 15, 'ipv4'],
  ['documentation', '198.51.100.0', 24, 'ipv4'],
  ['documentation', '203.0.113.0', 24, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['NAT64', '64:ff9b::', 96, 'ipv6'],
  ['discard', '100::', 64, 'ipv6'],
  ['documentation', '2001:db8::', 32, 'ipv6'],
  ['unique-local (private)', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
];

const blockLists = BLOCKED.map(([why, net, prefix, type]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return [why, list] as const;
});

/** Why an address may not be fetched from (`loopback`, `private`, …), or undefined for a public address. */
export function nonPublicAddress(ip: string): string | undefined {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  const v4 = family === 6 ? mappedV4(bare) : bare;
  for (const [why, list] of blockLists) {
    if (v4 !== undefined ? list.check(v4, 'ipv4') : list.check(bare, 'ipv6')) return why;
  }
  return undefined;
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d, also written ::ffff:7f00:1) IPv6 address. */
function mappedV4(ip: string): string | undefined {
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(ip);
  if (!m) return undefined;
  if (isIP(m[1]) === 4) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]);
  if (!hex) return undefined;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function privateAllowance(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, prefix] = e.split('/');
    const bare = addr.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    if (family === 0) throw new RangeError(`allowPrivateAddresses: ${e} is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(bare, type);
    else list.addSubnet(bare, Number(prefix), type);
  }
  return list;
}

// --- host allow-list -----------------------------------------------------------------------------

const normalizeHost = (h: string): string => h.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

function hostMatcher(entries: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    const e = normalizeHost(raw.trim());
    if (e.startsWith('*.')) suffixes.push(e.slice(1)); // ".example.com"
    else if (e.includes('*') || e.includes('/') || (e.includes(':') && isIP(e) !== 6) || e === '') {
      throw new RangeError(`allowHosts: ${JSON.stringify(raw)} is not a host or *.domain wildcard (no schemes, ports or paths)`);
    } else exact.add(e);
  }
  return (host) => {
    const h = normalizeHost(host);
    return exact.has(h) || suffixes.some((s) => h.endsWith(s) && h.length > s.length);
  };
}

// --- the fetcher ---------------------------------------------------------------------------------

export function createMediaFetcher(opts: MediaFetcherOptions): MediaFetcher {
  for (const k of ['maxBytes', 'timeoutMs'] as const) {
    if (!(opts[k] > 0)) throw new RangeError(`${k} must be positive, got ${opts[k]}`);
  }
  if (!(Number.isInteger(opts.maxRedirects) && opts.maxRedirects >= 0)) throw new RangeError(`maxRedirects must be a non-negative integer, got ${opts.maxRedirects}`);
  const allowedHost = hostMatcher(opts.allowHosts);
  const allowPrivate = privateAllowance(opts.allowPrivateAddresses ?? []);
  const resolve =
    opts.resolve ??
    ((hostname: string) =>
      new Promise<readonly LookupAddress[]>((res, rej) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addrs) => (err ? rej(err) : res(addrs)))));

  const refusal = (ip: string): string | undefined => {
    const why = nonPublicAddress(ip);
    if (why === undefined) return undefined;
    const bare = ip.replace(/^\[|\]$/g, '');
    const v4 = isIP(bare) === 6 ? mappedV4(bare) : bare;
    const allowed = v4 !== undefined ? allowPrivate.check(v4, 'ipv4') : allowPrivate.check(bare, 'ipv6');
    return allowed ? undefined : why;
  };

  return {
    async fetch(url: string, part?: string): Promise<FetchedMedia> {
      const deadline = Date.now() + opts.timeoutMs;
      let current = url;
      for (let hop = 0; ; hop++) {
        let u: URL;
        try {
          u = new URL(current);
        } catch {
          throw new MediaFetchError('bad_url', hop === 0 ? 'the URL does not parse' : `redirect ${hop} points to an unparseable URL`, part);
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new MediaFetchError('bad_url', `only http and https URLs are fetched, not ${u.protocol}`, part);
        if (u.username || u.password) throw new MediaFetchError('bad_url', 'credentials in the URL are not accepted', part);
        const host = normalizeHost(u.hostname);
        const via = hop === 0 ? '' : ` (redirect ${hop})`;
        if (!allowedHost(host)) throw new MediaFetchError('host_not_allowed', `host ${host} is not on the allow-list${via}`, part);
        if (isIP(host) !== 0) {
          const why = refusal(host);
          if (why) throw new MediaFetchError('host_not_allowed', `${host} is a ${why} address${via}`, part);
        }
        const res = await request(u, deadline, opts, part, via, async (hostname) => {
          let addrs: readonly LookupAddress[];
          try {
            addrs = await resolve(hostname);
          } catch (e) {
            throw new MediaFetchError('fetch_failed', `cannot resolve ${hostname}: ${(e as Error).message}`, part);
          }
          if (addrs.length === 0) throw new MediaFetchError('fetch_failed', `${hostname} resolves to no address`, part);
          for (const a of addrs) {
            const why = refusal(a.address);
            if (why) throw new MediaFetchError('host_not_allowed', `${hostname} resolves to ${a.address}, a ${why} address${via}`, part);
          }
          return addrs;
        });
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.destroy();
          if (hop >= opts.maxRedirects) throw new MediaFetchError('fetch_failed', `too many redirects (more than ${opts.maxRedirects})`, part, status);
          current = new URL(res.headers.location, u).href;
          continue;
        }
        if (status < 200 || status >= 300) {
          res.destroy();
          throw new MediaFetchError('fetch_failed', `HTTP ${status} from ${host}${via}`, part, status);
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          res.destroy();
          throw new MediaFetchError('too_large', `the response declares ${declared} bytes, over the ${opts.maxBytes}-byte limit`, part);
        }
        const bytes = await readBody(res, deadline, opts, part);
        const ct = res.headers['content-type'];
        return { bytes, contentType: ct === undefined ? undefined : String(ct), url: u.href };
      }
    },
  };
}

type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** One HTTP request; resolves with the response once headers arrive. */
function request(u: URL, deadline: number, opts: MediaFetcherOptions, part: string | undefined, via: string, resolver: Resolver): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new MediaFetchError('fetch_timeout', `no answer within ${opts.timeoutMs} ms${via}`, part));
    const lib = u.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e instanceof MediaFetchError ? e : new MediaFetchError('fetch_failed', `request to ${u.hostname} failed: ${(e as Error).message}${via}`, part));
    };
    const req = lib.request(
      u,
      {
        method: 'GET',
        headers: { 'accept-encoding': 'identity', ...(opts.userAgent ? { 'user-agent': opts.userAgent } : {}) },
        agent: false, // a fresh socket: the lookup below runs (and checks) for every request
        // the checked resolution is the one the socket connects to (no gap for DNS rebinding)
        lookup: (hostname, options, cb) => {
          resolver(hostname).then(
            (addrs) => {
              const all = (options as { all?: boolean }).all;
              if (all) (cb as unknown as (err: null, addrs: readonly LookupAddress[]) => void)(null, addrs);
              else cb(null, addrs[0].address, addrs[0].family);
            },
            (err: unknown) => {
              fail(err);
              cb(err as NodeJS.ErrnoException, '', 4);
            },
          );
        },
      },
      (res) => {
        if (settled) {
          res.destroy();
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve(res);
      },
    );
    const timer = setTimeout(() => {
      fail(new MediaFetchError('fetch_timeout', `no answer within ${opts.timeoutMs} ms${via}`, part));
      req.destroy();
    }, remaining);
    req.on('error', fail);
    req.end();
  });
}

/** Streams the body; aborts past maxBytes or the deadline. */
function readBody(res: http.IncomingMessage, deadline: number, opts: MediaFetcherOptions, part: string | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (err: MediaFetchError | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        res.destroy();
        reject(err);
        return;
      }
      const out = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      resolve(out);
    };
    const timer = setTimeout(
      () => finish(new MediaFetchError('fetch_timeout', `the body did not arrive within ${opts.timeoutMs} ms (${total} bytes so far)`, part)),
      Math.max(0, deadline - Date.now()),
    );
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > opts.maxBytes) {
        finish(new MediaFetchError('too_large', `the body exceeds the ${opts.maxBytes}-byte limit (aborted at ${total} bytes)`, part));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => finish(undefined));
    res.on('aborted', () => finish(new MediaFetchError('fetch_failed', 'the connection closed before the body was complete', part)));
    res.on('error', (e) => finish(new MediaFetchError('fetch_failed', `reading the body failed: ${e.message}`, part)));
    res.on('close', () => {
      if (!res.complete) finish(new MediaFetchError('fetch_failed', 'the connection closed before the body was complete', part));
    });
  });
}
