/** What the suite sends the replicas: JSON over HTTP, and a sync device on memory-api's WebSocket. */
import WebSocket from 'ws';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many routes, read field by field in the assertions
  body: any;
  /** Milliseconds the answer took. */
  ms: number;
}

/** One JSON request; `timeoutMs` bounds it (a hang is a failure, reported as status 0). */
export async function call(base: string, method: string, path: string, o: { key?: string; body?: unknown; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Reply> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...o.headers },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, headers: res.headers, body, ms: performance.now() - t0 };
  } catch (e) {
    return { status: 0, headers: new Headers(), body: { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }, ms: performance.now() - t0 };
  }
}

/** Polls `probe` until it returns a value; on timeout the error names `what` and, when given, what `seen()` says was last seen. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 100, seen?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen ? `; last seen: ${seen()}` : ''}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface SyncItem {
  rev: string;
  id: string | null;
  memory: { id: string; memory: string; live: boolean } | null;
}

/** A device on `GET /v1/sync/ws`: says hello, then records every memory id the server pushes as a change. */
export class SyncDevice {
  /** memory id → its text as last pushed (null: a tombstone). */
  readonly changes = new Map<string, string | null>();
  private ws: WebSocket | undefined;
  private ready = false;

  constructor(readonly id: string) {}

  async connect(base: string, userId: string, key: string): Promise<void> {
    const url = `${base.replace(/^http/, 'ws')}/v1/sync/ws?user_id=${encodeURIComponent(userId)}&device_id=${encodeURIComponent(this.id)}`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}` } });
    this.ws = ws;
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString('utf8')) as { event: string; data: { items?: SyncItem[] } };
      if (m.event === 'ready') this.ready = true;
      if (m.event === 'change') for (const it of m.data.items ?? []) if (it.id ?? it.memory?.id) this.changes.set((it.id ?? it.memory?.id) as string, it.memory?.live ? it.memory.memory : null);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ event: 'hello', data: { since: '' } }));
    await until(`sync device ${this.id} ready`, async () => this.ready, 20_000);
  }

  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) await new Promise((closed) => ws.once('close', closed).close());
  }
}
