import { isMediaError } from '@frontier/multimodal-domain';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMediaFetcher, MediaFetchError, type MediaFetcherOptions, nonPublicAddress } from './media-fetcher';

// Loopback servers only. Tests allow 127.0.0.1 explicitly: the fetcher refuses loopback otherwise.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

let server: http.Server;
let base: string;
let endlessClosed: Promise<void>;
let signalEndlessClosed: () => void;

beforeAll(async () => {
  endlessClosed = new Promise((r) => (signalEndlessClosed = r));
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/ok') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      res.end(PNG);
    } else if (path === '/chunked') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(PNG.subarray(0, 5));
      setTimeout(() => res.end(PNG.subarray(5)), 20);
    } else if (path === '/slow-headers') {
      // never answers
    } else if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      const t = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(t));
    } else if (path === '/endless') {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked, no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = (): void => {
        while (res.write(chunk)) {
          /* fill the socket */
        }
      };
      res.on('drain', pump);
      res.on('close', () => signalEndlessClosed());
      pump();
    } else if (path === '/declares-huge') {
      res.writeHead(200, { 'content-length': String(10 ** 9) });
      res.write('abc');
    } else if (path === '/missing') {
      res.writeHead(404).end('not here');
    } else if (path === '/to-evil') {
      res.writeHead(302, { location: 'http://evil.example.com/x.png' }).end();
    } else if (path === '/to-ok') {
      res.writeHead(301, { location: '/ok' }).end();
    } else if (path.startsWith('/chain/')) {
      const n = Number(path.slice(7));
      res.writeHead(302, { location: n > 0 ? `/chain/${n - 1}` : '/ok' }).end();
    } else if (path === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (path === '/to-file') {
      res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const options = (over: Partial<MediaFetcherOptions> = {}): MediaFetcherOptions => ({
  allowHosts: ['127.0.0.1'],
  allowPrivateAddresses: ['127.0.0.1'],
  maxBytes: 1024 * 1024,
  timeoutMs: 2000,
  maxRedirects: 3,
  ...over,
});

async function fetchError(p: Promise<unknown>): Promise<MediaFetchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MediaFetchError) return e;
    throw new Error(`expected a MediaFetchError, got ${String(e)}`);
  }
  throw new Error('expected a MediaFetchError, got a result');
}

describe('createMediaFetcher', () => {
  it('fetches an allow-listed URL: bytes and the declared content type', async () => {
    const got = await createMediaFetcher(options()).fetch(`${base}/ok`);
    expect(Buffer.from(got.bytes).equals(PNG)).toBe(true);
    expect(got.contentType).toBe('image/png');
    expect(got.url).toBe(`${base}/ok`);
    const chunked = await createMediaFetcher(options()).fetch(`${base}/chunked`);
    expect(Buffer.from(chunked.bytes).equals(PNG)).toBe(true);
  });

  it('loopback is refused unless explicitly allowed, even when the host is allow-listed', async () => {
    const e = await fetchError(createMediaFetcher(options({ allowPrivateAddresses: [] })).fetch(`${base}/ok`, 'messages[0].content[1]'));
    expect(e).toMatchObject({ code: 'host_not_allowed', part: 'messages[0].content[1]' });
    expect(e.message).toBe('messages[0].content[1]: 127.0.0.1 is a loopback address');
  });

  it('a host not on the allow-list is refused before any connection', async () => {
    const resolve = jest.fn();
    const e = await fetchError(createMediaFetcher(options({ resolve })).fetch('http://evil.example.com/x.png'));
    expect(e.code).toBe('host_not_allowed');
    expect(e.message).toBe('host evil.example.com is not on the allow-list');
    expect(resolve).not.toHaveBeenCalled();
  });

  it('*.example.com matches subdomains (not the apex); a resolved private address is refused; the checked address is the one connected to', async () => {
    const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
    const port = (server.address() as AddressInfo).port;
    const f = createMediaFetcher(options({ allowHosts: ['*.example.com'], resolve: toLoopback }));
    const got = await f.fetch(`http://cdn.images.example.com:${port}/ok`);
    expect(Buffer.from(got.bytes).equals(PNG)).toBe(true);
    expect((await fetchError(f.fetch(`http://example.com:${port}/ok`))).code).toBe('host_not_allowed');

    const toPrivate = createMediaFetcher(options({ allowHosts: ['*.example.com'], resolve: async () => [{ address: '10.1.2.3', family: 4 }] }));
    const e = await fetchError(toPrivate.fetch(`http://cdn.example.com:${port}/ok`));
    expect(e.code).toBe('host_not_allowed');
    expect(e.message).toBe('cdn.example.com resolves to 10.1.2.3, a private address');
    // one bad address among several is enough to refuse (DNS round-robin to an internal host)
    const mixed = createMediaFetcher(
      options({
        allowHosts: ['cdn.example.com'],
        resolve: async () => [
          { address: '127.0.0.1', family: 4 },
          { address: '169.254.169.254', family: 4 },
        ],
      }),
    );
    expect((await fetchError(mixed.fetch(`http://cdn.example.com:${port}/ok`))).message).toMatch(/169\.254\.169\.254, a link-local address/);
  });

  it('only http(s); no credentials; unparseable URLs → bad_url', async () => {
    const f = createMediaFetcher(options());
    for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'not a url', `http://user:pw@127.0.0.1/ok`]) {
      expect((await fetchError(f.fetch(url))).code).toBe('bad_url');
    }
  });

  it('redirects are followed and every hop is checked: to a disallowed host → host_not_allowed; to file: → bad_url', async () => {
    const f = createMediaFetcher(options());
    expect(Buffer.from((await f.fetch(`${base}/to-ok`)).bytes).equals(PNG)).toBe(true);
    expect((await f.fetch(`${base}/chain/2`)).url).toBe(`${base}/ok`);
    const e = await fetchError(f.fetch(`${base}/to-evil`, 'messages[2].content[0]'));
    expect(e.code).toBe('host_not_allowed');
    expect(e.message).toBe('messages[2].content[0]: host evil.example.com is not on the allow-list (redirect 1)');
    expect((await fetchError(f.fetch(`${base}/to-file`))).code).toBe('bad_url');
  });

  it('too many redirects → fetch_failed; maxRedirects 0 follows none', async () => {
    const e = await fetchError(createMediaFetcher(options()).fetch(`${base}/loop`));
    expect(e).toMatchObject({ code: 'fetch_failed', status: 302 });
    expect(e.message).toMatch(/too many redirects \(more than 3\)/);
    expect((await fetchError(createMediaFetcher(options({ maxRedirects: 0 })).fetch(`${base}/to-ok`))).code).toBe('fetch_failed');
    expect((await fetchError(createMediaFetcher(options({ maxRedirects: 2 })).fetch(`${base}/chain/2`))).code).toBe('fetch_failed');
  });

  it('404 → fetch_failed with the status', async () => {
    const e = await fetchError(createMediaFetcher(options()).fetch(`${base}/missing`, 'p'));
    expect(e).toMatchObject({ code: 'fetch_failed', status: 404, part: 'p' });
    expect(e.message).toBe('p: HTTP 404 from 127.0.0.1');
  });

  it('a server that never answers → fetch_timeout at the deadline', async () => {
    const t0 = Date.now();
    const e = await fetchError(createMediaFetcher(options({ timeoutMs: 300 })).fetch(`${base}/slow-headers`));
    expect(e.code).toBe('fetch_timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a body that drips forever → fetch_timeout (one deadline for the whole fetch, not an idle timer)', async () => {
    const e = await fetchError(createMediaFetcher(options({ timeoutMs: 400 })).fetch(`${base}/slow-body`));
    expect(e.code).toBe('fetch_timeout');
    expect(e.message).toMatch(/the body did not arrive within 400 ms \(\d+ bytes so far\)/);
  });

  it('an endless body without Content-Length → too_large, and the connection is aborted', async () => {
    const e = await fetchError(createMediaFetcher(options({ maxBytes: 200_000 })).fetch(`${base}/endless`));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/exceeds the 200000-byte limit/);
    await endlessClosed; // the server saw the socket close
  });

  it('a Content-Length over the limit is refused before reading', async () => {
    const e = await fetchError(createMediaFetcher(options({ maxBytes: 1000 })).fetch(`${base}/declares-huge`));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/declares 1000000000 bytes/);
  });

  it('errors are MediaError-shaped: isMediaError from the domain accepts them', async () => {
    const e = await fetchError(createMediaFetcher(options()).fetch(`${base}/missing`));
    expect(e.name).toBe('MediaError');
    expect(isMediaError(e)).toBe(true);
  });

  it('bad configuration throws RangeError', () => {
    expect(() => createMediaFetcher(options({ allowHosts: ['https://cdn.example.com'] }))).toThrow(RangeError);
    expect(() => createMediaFetcher(options({ allowHosts: ['cdn.example.com:443'] }))).toThrow(RangeError);
    expect(() => createMediaFetcher(options({ maxBytes: 0 }))).toThrow(RangeError);
    expect(() => createMediaFetcher(options({ maxRedirects: -1 }))).toThrow(RangeError);
    expect(() => createMediaFetcher(options({ allowPrivateAddresses: ['localhost'] }))).toThrow(RangeError);
  });
});

describe('nonPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', '"this" network'],
    ['224.0.0.1', 'multicast'],
    ['fd12:3456::1', 'unique-local (private)'],
    ['fe80::1', 'link-local'],
    ['::', 'unspecified'],
  ])('%s → %s', (ip, why) => {
    expect(nonPublicAddress(ip)).toBe(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(nonPublicAddress(ip)).toBeUndefined();
  });
});
