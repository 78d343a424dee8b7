import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { ConflictError, type VersionVector } from '@frontier/memory-data-access';
import { SyncBus } from './sync-bus';
import { SyncService, type SyncMessage } from './sync.service';
import { formatVector, parseVector } from './vector';

/** A connected device, as the hub sees it (the WebSocket gateway adapts its socket to this). */
export interface SyncPeer {
  send(event: string, data: unknown): void;
  close(code: number, reason: string): void;
}

/** One device's connection: its vector and a queue that runs its catch-ups and pushes one at a time. */
export interface SyncConnection {
  readonly scope: MemoryScope;
  readonly deviceId: string;
  readonly peer: SyncPeer;
  vector: VersionVector;
  /** Set by `hello`: pushes before it are dropped (the hello's catch-up reads them from Postgres). */
  started: boolean;
  closed: boolean;
  queue: Promise<void>;
}

const userKey = (s: MemoryScope) => `${s.tenantId}\u0000${s.userId}`;
const LISTEN_TIMEOUT_MS = 5_000;

/**
 * Serves devices of this process: on `hello` (the device's vector) it sends the delta the
 * device missed from Postgres, page by page, then `ready`; after that, every change any process
 * commits for the user arrives over {@link SyncBus} and is pushed once: a push the vector already
 * covers is dropped (no duplicate), one that skips a counter makes the hub read the gap from
 * Postgres first (no gap), and a device's own changes only advance its vector.
 */
@Injectable()
export class SyncHub implements OnApplicationShutdown {
  private readonly log = new Logger('SyncHub');
  private readonly byUser = new Map<string, Set<SyncConnection>>();
  private unlisten: (() => void) | undefined;
  /** One handler per hub (the bus keeps a set: a retried listen does not add a second). */
  private readonly handler = (m: SyncMessage): void => this.onMessage(m);

  constructor(
    private readonly bus: SyncBus,
    private readonly sync: SyncService,
  ) {}

  /** Registers a device's connection (listening on the bus first, so nothing committed after this is missed). */
  async attach(peer: SyncPeer, scope: MemoryScope, deviceId: string): Promise<SyncConnection> {
    if (!this.unlisten) {
      // Redis unreachable: refuse the device now (it retries) rather than let it wait unserved
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('sync bus: Redis subscription not ready')), LISTEN_TIMEOUT_MS)));
      try {
        const off = await Promise.race([this.bus.listen(this.handler), timeout]);
        const offResub = this.bus.onResubscribed(() => this.catchUpAll());
        this.unlisten = () => {
          off();
          offResub();
        };
      } finally {
        clearTimeout(timer);
      }
    }
    const conn: SyncConnection = { scope, deviceId, peer, vector: {}, started: false, closed: false, queue: Promise.resolve() };
    const key = userKey(scope);
    const set = this.byUser.get(key) ?? new Set<SyncConnection>();
    set.add(conn);
    this.byUser.set(key, set);
    return conn;
  }

  detach(conn: SyncConnection): void {
    conn.closed = true;
    const key = userKey(conn.scope);
    const set = this.byUser.get(key);
    set?.delete(conn);
    if (set && !set.size) this.byUser.delete(key);
  }

  /** Connections this process serves (tests, metrics). */
  get connections(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }

  /** The device's vector (`device:counter,…`; empty → a snapshot): catch up, then live pushes. */
  hello(conn: SyncConnection, since: string | undefined): void {
    let vector: VersionVector;
    try {
      vector = parseVector(since ?? '', 'since');
    } catch (e) {
      conn.peer.send('error', { field: 'since', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    conn.vector = vector;
    conn.started = true;
    this.enqueue(conn, async () => {
      await this.catchUp(conn, true);
      conn.peer.send('ready', { vector: formatVector(conn.vector) });
    });
  }

  /** Pushes may have been lost (Redis reconnected): every started connection reads what it lacks from Postgres. */
  private catchUpAll(): void {
    for (const set of this.byUser.values()) for (const conn of set) if (conn.started) this.enqueue(conn, () => this.catchUp(conn, false));
  }

  private onMessage(m: SyncMessage): void {
    const set = this.byUser.get(userKey({ tenantId: m.tenantId, userId: m.userId }));
    if (!set) return;
    for (const conn of set) if (conn.started) this.enqueue(conn, () => this.deliver(conn, m));
  }

  private async deliver(conn: SyncConnection, m: SyncMessage): Promise<void> {
    const have = conn.vector[m.deviceId] ?? 0;
    const first = m.counters[0] ?? 0;
    const last = m.counters[m.counters.length - 1] ?? 0;
    if (last <= have) return; // already seen (a catch-up read it, or a replay)
    if (first > have + 1 || m.truncated) {
      // a push before it is still on its way (or this one was too big to carry): Postgres has it all
      await this.catchUp(conn, false);
      return;
    }
    conn.vector = { ...conn.vector, [m.deviceId]: last };
    if (m.deviceId === conn.deviceId || !m.items.length) return; // its own change: it has it
    conn.peer.send('change', { items: m.items, vector: formatVector(conn.vector) });
  }

  /** Sends what the connection's vector lacks, from Postgres, page by page. */
  private async catchUp(conn: SyncConnection, initial: boolean): Promise<void> {
    let cursor: string | undefined;
    for (;;) {
      if (conn.closed) return;
      let page;
      try {
        page = await this.sync.delta(conn.scope, { deviceId: conn.deviceId, since: formatVector(conn.vector), ...(cursor ? { cursor } : {}) });
      } catch (e) {
        if (e instanceof ConflictError) {
          conn.started = false;
          conn.peer.send('resync_required', { message: e.message });
          return;
        }
        throw e;
      }
      if (page.items.length || initial) conn.peer.send('delta', page);
      initial = false;
      if (page.snapshot) {
        cursor = page.cursor ?? undefined;
        if (!page.has_more) {
          conn.vector = parseVector(page.vector);
          return;
        }
        continue;
      }
      conn.vector = parseVector(page.vector);
      if (!page.has_more) return;
    }
  }

  private enqueue(conn: SyncConnection, task: () => Promise<void>): void {
    conn.queue = conn.queue
      .then(() => (conn.closed ? undefined : task()))
      .catch((e: unknown) => {
        // Postgres unreachable mid catch-up: the device reconnects later with its vector
        this.log.warn(`sync connection of ${conn.deviceId} closed: ${e instanceof Error ? e.message : String(e)}`);
        conn.peer.close(1013, 'try again later');
        this.detach(conn);
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unlisten?.();
    for (const set of this.byUser.values()) for (const c of set) c.peer.close(1001, 'server shutting down');
    this.byUser.clear();
    await this.bus.close();
  }
}
