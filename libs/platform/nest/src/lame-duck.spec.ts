import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpDrain } from './shutdown';

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

const get = (port: number) =>
  new Promise<{ status: number; connection?: string }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    })
      .on('error', reject)
      .end();
  });

/**
 * The lame-duck phase of a drain (found by the fault suite: closing the listener at the signal
 * resets connections the kernel had queued while the event loop was busy).
 */
describe('HttpDrain lame duck', () => {
  let server: Server;
  afterEach(() => server?.closeAllConnections());

  it('keeps the listener open while requests still arrive, answering them with Connection: close, then stops accepting', async () => {
    server = createServer((_req, res) => res.end('ok'));
    const drain = new HttpDrain(server);
    const port = await listen(server);
    const done = drain.drain(10_000, { maxMs: 1_000, quietMs: 200 });
    // a request arriving after the drain began (as one waiting in the backlog would) is answered
    await new Promise((r) => setTimeout(r, 100));
    expect(await get(port)).toEqual({ status: 200, connection: 'close' });
    await new Promise((r) => setTimeout(r, 100));
    expect(await get(port)).toEqual({ status: 200, connection: 'close' });
    const s = await done;
    // the second request restarted the quiet period: the listener stayed open ≥ 200 ms + 200 ms
    expect(s.lameDuckMs).toBeGreaterThanOrEqual(380);
    expect(s.lameDuckMs).toBeLessThan(1_000);
    expect(server.listening).toBe(false);
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('ends the lame duck after the quiet period when nothing arrives, and never beyond its cap or half the bound', async () => {
    server = createServer((_req, res) => res.end('ok'));
    await listen(server);
    const quiet = await new HttpDrain(server).drain(10_000, { maxMs: 1_000, quietMs: 100 });
    expect(quiet.lameDuckMs).toBeGreaterThanOrEqual(95);
    expect(quiet.lameDuckMs).toBeLessThan(400);
    expect(quiet).toMatchObject({ inFlight: 0, forced: false });

    // under a steady stream the cap (here half of a 600 ms bound) ends it
    const busy = createServer((_req, res) => res.end('ok'));
    const drain = new HttpDrain(busy);
    const p2 = await listen(busy);
    let stop = false;
    const stream = (async () => {
      while (!stop) await get(p2).catch(() => undefined);
    })();
    await new Promise((r) => setTimeout(r, 50));
    const capped = await drain.drain(600, { maxMs: 5_000, quietMs: 200 });
    stop = true;
    await stream;
    expect(capped.lameDuckMs).toBeGreaterThanOrEqual(295);
    expect(capped.lameDuckMs).toBeLessThan(600);
  });
});
