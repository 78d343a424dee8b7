import { randomBytes, randomUUID } from 'node:crypto';
import type { DataKey } from './envelope';
import { KeyDestroyedError } from './errors';
import type { KeyManagementService, WrappedKey } from './kms';

/** Whose data a data key protects: a tenant and a subject within it (a user). */
export interface KeySubject {
  tenantId: string;
  subjectId: string;
}

/** A subject's data key as stored: its id and its wrap. */
export interface StoredDataKey extends WrappedKey {
  keyId: string;
}

/** Where wrapped data keys live (beside the data: a table). Never holds an unwrapped key. */
export interface DataKeyStore {
  find(subject: KeySubject): Promise<StoredDataKey | null>;
  /** Stores the subject's key unless one exists; returns whichever is stored now (a concurrent insert may win). */
  insertIfAbsent(subject: KeySubject, key: StoredDataKey): Promise<StoredDataKey>;
  /** Destroys the subject's wrapped key(s); true when one existed. */
  destroy(subject: KeySubject): Promise<boolean>;
  /** Up to `limit` keys wrapped by a master key other than `masterKeyId`. */
  wrappedByOtherThan(masterKeyId: string, limit: number): Promise<Array<{ subject: KeySubject; key: StoredDataKey }>>;
  /** Replaces the wrap of `keyId` if it is still wrapped by `fromMasterKeyId`; false when not (changed or destroyed meanwhile). */
  replaceWrap(subject: KeySubject, keyId: string, fromMasterKeyId: string, to: WrappedKey): Promise<boolean>;
}

export interface DataKeyRingOptions {
  /** Unwrapped keys kept in memory. Default 10,000. */
  cacheSize?: number;
  /**
   * How long an unwrapped key is used before it is read again (ms). Bounds how long another
   * process keeps reading a subject shredded elsewhere when no eviction message reaches it.
   * Default 60,000.
   */
  cacheTtlMs?: number;
  now?: () => number;
}

export interface RotationReport {
  masterKeyId: string;
  rewrapped: number;
  /** Keys changed or destroyed while the rotation ran (left as they were). */
  skipped: number;
}

/** The subject a wrap is bound to (a wrapped key copied to another subject's row does not unwrap). */
export const wrapContext = (s: KeySubject, keyId: string) => `data-key\u0000${s.tenantId}\u0000${s.subjectId}\u0000${keyId}`;
const cacheKey = (s: KeySubject) => `${s.tenantId}\u0000${s.subjectId}`;

/**
 * Per-subject data keys: created on first write, stored wrapped by the KMS's current master key,
 * unwrapped on use and cached (LRU, TTL). {@link shred} destroys a subject's key (crypto-shredding:
 * every ciphertext of the subject, in any copy, becomes unreadable); {@link rotateMasterKey}
 * re-wraps every data key under the current master key without touching the data.
 */
export class DataKeyRing {
  private readonly cache = new Map<string, { key: DataKey; until: number }>();
  private readonly creating = new Map<string, Promise<DataKey>>();
  private readonly size: number;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(
    readonly kms: KeyManagementService,
    private readonly store: DataKeyStore,
    o: DataKeyRingOptions = {},
  ) {
    this.size = o.cacheSize ?? 10_000;
    this.ttl = o.cacheTtlMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  /** The subject's data key, created (and stored wrapped) when it has none. */
  async forWrite(subject: KeySubject): Promise<DataKey> {
    const hit = this.cached(subject);
    if (hit) return hit;
    const k = cacheKey(subject);
    const pending = this.creating.get(k);
    if (pending) return pending;
    const p = this.loadOrCreate(subject).finally(() => this.creating.delete(k));
    this.creating.set(k, p);
    return p;
  }

  /** The subject's data key `keyId`; {@link KeyDestroyedError} when the subject has no such key (shredded). */
  async forRead(subject: KeySubject, keyId: string): Promise<DataKey> {
    const hit = this.cached(subject);
    if (hit && hit.id === keyId) return hit;
    const stored = await this.store.find(subject);
    if (!stored || stored.keyId !== keyId) throw new KeyDestroyedError(keyId);
    return this.remember(subject, await this.unwrap(subject, stored));
  }

  /** The subject's key when it has one (null: none yet, or shredded). */
  async existing(subject: KeySubject): Promise<DataKey | null> {
    const hit = this.cached(subject);
    if (hit) return hit;
    const stored = await this.store.find(subject);
    return stored ? this.remember(subject, await this.unwrap(subject, stored)) : null;
  }

  /** Crypto-shredding: destroys the subject's wrapped key here and its cached copy in this process. */
  async shred(subject: KeySubject): Promise<boolean> {
    this.evict(subject);
    const destroyed = await this.store.destroy(subject);
    this.evict(subject);
    return destroyed;
  }

  /** Drops this process's cached copy (another process shredded or rotated the subject). */
  evict(subject: KeySubject): void {
    this.cache.delete(cacheKey(subject));
  }

  /** Re-wraps every data key not under the current master key; the data stays as it is. */
  async rotateMasterKey(batch = 500): Promise<RotationReport> {
    const target = this.kms.currentKeyId();
    let rewrapped = 0;
    let skipped = 0;
    const seen = new Set<string>();
    for (;;) {
      const page = (await this.store.wrappedByOtherThan(target, batch)).filter((r) => !seen.has(`${cacheKey(r.subject)}\u0000${r.key.keyId}`));
      if (!page.length) break;
      for (const { subject, key } of page) {
        seen.add(`${cacheKey(subject)}\u0000${key.keyId}`);
        const plain = await this.kms.unwrap(key, wrapContext(subject, key.keyId));
        const to = await this.kms.wrap(plain, wrapContext(subject, key.keyId));
        if (await this.store.replaceWrap(subject, key.keyId, key.masterKeyId, to)) rewrapped += 1;
        else skipped += 1;
      }
    }
    return { masterKeyId: target, rewrapped, skipped };
  }

  private async loadOrCreate(subject: KeySubject): Promise<DataKey> {
    const found = await this.store.find(subject);
    if (found) return this.remember(subject, await this.unwrap(subject, found));
    const keyId = `dk-${randomUUID()}`;
    const plain = randomBytes(32);
    const wrap = await this.kms.wrap(plain, wrapContext(subject, keyId));
    const winner = await this.store.insertIfAbsent(subject, { keyId, ...wrap });
    return this.remember(subject, winner.keyId === keyId ? { id: keyId, key: plain } : await this.unwrap(subject, winner));
  }

  private async unwrap(subject: KeySubject, stored: StoredDataKey): Promise<DataKey> {
    return { id: stored.keyId, key: await this.kms.unwrap(stored, wrapContext(subject, stored.keyId)) };
  }

  private cached(subject: KeySubject): DataKey | null {
    const k = cacheKey(subject);
    const e = this.cache.get(k);
    if (!e) return null;
    if (e.until <= this.now()) {
      this.cache.delete(k);
      return null;
    }
    this.cache.delete(k);
    this.cache.set(k, e); // most recently used last
    return e.key;
  }

  private remember(subject: KeySubject, key: DataKey): DataKey {
    if (this.size <= 0) return key;
    this.cache.set(cacheKey(subject), { key, until: this.now() + this.ttl });
    while (this.cache.size > this.size) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return key;
  }
}

/** A {@link DataKeyStore} in memory (unit tests, scripts without a database). */
export class InMemoryDataKeyStore implements DataKeyStore {
  readonly rows = new Map<string, { subject: KeySubject; key: StoredDataKey }>();

  async find(subject: KeySubject): Promise<StoredDataKey | null> {
    return this.rows.get(cacheKey(subject))?.key ?? null;
  }
  async insertIfAbsent(subject: KeySubject, key: StoredDataKey): Promise<StoredDataKey> {
    const k = cacheKey(subject);
    const existing = this.rows.get(k);
    if (existing) return existing.key;
    this.rows.set(k, { subject, key });
    return key;
  }
  async destroy(subject: KeySubject): Promise<boolean> {
    return this.rows.delete(cacheKey(subject));
  }
  async wrappedByOtherThan(masterKeyId: string, limit: number): Promise<Array<{ subject: KeySubject; key: StoredDataKey }>> {
    return [...this.rows.values()].filter((r) => r.key.masterKeyId !== masterKeyId).slice(0, limit);
  }
  async replaceWrap(subject: KeySubject, keyId: string, fromMasterKeyId: string, to: WrappedKey): Promise<boolean> {
    const row = this.rows.get(cacheKey(subject));
    if (!row || row.key.keyId !== keyId || row.key.masterKeyId !== fromMasterKeyId) return false;
    row.key = { keyId, ...to };
    return true;
  }
}
