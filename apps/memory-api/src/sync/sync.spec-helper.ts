import { createHmac } from 'node:crypto';
import WebSocket from 'ws';

export interface WireItem {
  ref: string;
  id: string | null;
  rev: string;
  op: string;
  device_id: string;
  memory: { id: string; memory: string; type: string; live: boolean } | null;
}

export const until = async <T>(fn: () => T | undefined | Promise<T | undefined>, ms = 20_000, what = 'condition'): Promise<T> => {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * A simulated device: keeps the user's memories as sync hands them out (an item replaces what
 * it holds when its rev is newer; a tombstone removes it, matched by id or by its keyed ref),
 * keeps its vector, and counts every item it receives per rev (exactly-once checks).
 */
export class SimDevice {
  readonly state = new Map<string, { rev: bigint; text: string; live: boolean }>();
  vector = '';
  key: Buffer | undefined;
  readonly received = new Map<string, number>();
  readonly arrivals = new Map<string, number>();
  readonly events: Array<{ event: string; data: unknown }> = [];
  ws: WebSocket | undefined;
  ready = false;

  constructor(readonly id: string) {}

  async connect(port: number, userId: string, apiKey: string): Promise<void> {
    this.ready = false;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/sync/ws?user_id=${encodeURIComponent(userId)}&device_id=${encodeURIComponent(this.id)}`, { headers: { authorization: `Bearer ${apiKey}` } });
    this.ws = ws;
    ws.on('message', (raw: Buffer) => this.onMessage(JSON.parse(raw.toString('utf8')) as { event: string; data: unknown }));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ event: 'hello', data: { since: this.vector } }));
    await until(() => this.ready, 20_000, `${this.id} ready`);
  }

  async disconnect(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }

  private onMessage(m: { event: string; data: unknown }): void {
    this.events.push(m);
    if (m.event === 'delta') {
      const d = m.data as { items: WireItem[]; vector: string; has_more: boolean; snapshot: boolean; sync_key: string };
      this.key = Buffer.from(d.sync_key, 'base64url');
      this.apply(d.items);
      if (!d.has_more) this.vector = d.vector;
    } else if (m.event === 'change') {
      const d = m.data as { items: WireItem[]; vector: string };
      this.apply(d.items);
      this.vector = d.vector;
    } else if (m.event === 'ready') {
      this.vector = (m.data as { vector: string }).vector;
      this.ready = true;
    }
  }

  apply(items: WireItem[]): void {
    for (const it of items) {
      this.received.set(it.rev, (this.received.get(it.rev) ?? 0) + 1);
      this.arrivals.set(it.rev, performance.now());
      if (it.memory) {
        const held = this.state.get(it.memory.id);
        if (!held || BigInt(it.rev) >= held.rev) this.state.set(it.memory.id, { rev: BigInt(it.rev), text: it.memory.memory, live: it.memory.live });
      } else {
        const id = it.id ?? [...this.state.keys()].find((k) => this.key && createHmac('sha256', this.key).update(k).digest('base64url') === it.ref);
        if (id) this.state.delete(id);
      }
    }
  }

  /** The live memories it holds: id → text. */
  live(): Record<string, string> {
    return Object.fromEntries([...this.state].filter(([, v]) => v.live).map(([k, v]) => [k, v.text]).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
