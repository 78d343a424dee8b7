import { createHmac } from 'node:crypto';
import type { PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import {
  DataKeyRing,
  DecryptionError,
  isSealedBytes,
  isSealedText,
  KeyDestroyedError,
  localKmsFromEnv,
  openBytes,
  openText,
  sealBytes,
  sealedKeyId,
  sealText,
  type DataKey,
  type DataKeyRingOptions,
  type KeyManagementService,
  type KeySubject,
  type RotationReport,
} from '@frontier/platform-crypto';
import { PrismaDataKeyStore } from './data-key.store';
import { decodeVector, encodeVector } from './mappers';

/** The columns sealed with the user's data key; each is part of its ciphertexts' associated data. */
export type SealedColumn =
  | 'memories.text'
  | 'memories.embedding'
  | 'memory_events.previous_text'
  | 'memory_events.new_text'
  | 'memory_events.reason'
  | 'memory_turns.text'
  | 'biographies.text';

/** Associated data of a memory ciphertext: whose (tenant, user) and which column — it opens nowhere else. */
export const memoryAad = (scope: MemoryScope, column: SealedColumn) => `frontier-memory\u0000${scope.tenantId}\u0000${scope.userId}\u0000${column}`;
const subjectOf = (scope: MemoryScope): KeySubject => ({ tenantId: scope.tenantId, subjectId: scope.userId });

/** Seals one user's values (sync once the user's key is at hand). */
export interface Sealer {
  text(column: SealedColumn, plain: string): string;
  maybe(column: SealedColumn, plain: string | null | undefined): string | null;
  vector(v: Float32Array): Uint8Array<ArrayBuffer>;
  /**
   * A lookup tag of `value` keyed with the user's data key (`k1:` + HMAC-SHA256): equal values give
   * equal tags, and a dump cannot be searched for a guessed value once the key is shredded.
   * Sealing off: the value itself.
   */
  tag(purpose: string, value: string): string;
}

/**
 * Opens one user's stored values: sealed ones with the key they name, legacy plaintext as it is
 * (rows written before encryption, until the backfill seals them). A value whose key was
 * destroyed throws {@link KeyDestroyedError}; a tampered or misplaced one {@link DecryptionError}.
 */
export interface Opener {
  text(column: SealedColumn, stored: string): string;
  maybe(column: SealedColumn, stored: string | null | undefined): string | null;
  vector(stored: Uint8Array | null | undefined): Float32Array | null;
}

export interface MemoryCipherOptions {
  /** Seal new writes (`MEMORY_ENCRYPTION`, default on). Off: writes stay plaintext; sealed rows still open. */
  seal?: boolean;
  cache?: DataKeyRingOptions;
}

/**
 * Memory's encryption at rest: one AES-256-GCM data key per user (created on first write, stored
 * wrapped in `memory_data_keys` by the KMS's master key), every text column and the embedding
 * sealed with it, bound to (tenant, user, column). {@link shredUser} destroys the key: every
 * ciphertext of the user, in any copy, is unreadable from then on.
 */
export class MemoryCipher {
  readonly sealing: boolean;

  constructor(
    readonly ring: DataKeyRing,
    o: { seal?: boolean } = {},
  ) {
    this.sealing = o.seal ?? true;
  }

  /** From the environment: `FRONTIER_MASTER_KEYS` / `FRONTIER_MASTER_KEY_CURRENT` (see platform-crypto), `MEMORY_ENCRYPTION=on|off`. */
  static fromEnv(prisma: PrismaClient, env: NodeJS.ProcessEnv = process.env, onDevKey?: (message: string) => void): MemoryCipher {
    const flag = (env['MEMORY_ENCRYPTION'] ?? 'on').trim().toLowerCase();
    if (!['on', 'off', 'true', 'false', '1', '0'].includes(flag)) throw new Error(`MEMORY_ENCRYPTION must be on or off, got "${flag}"`);
    return MemoryCipher.create(prisma, localKmsFromEnv(env, onDevKey), { seal: ['on', 'true', '1'].includes(flag) });
  }

  static create(prisma: PrismaClient, kms: KeyManagementService, o: MemoryCipherOptions = {}): MemoryCipher {
    return new MemoryCipher(new DataKeyRing(kms, new PrismaDataKeyStore(prisma), o.cache), { seal: o.seal ?? true });
  }

  /** A sealer for the user's writes (creates the user's data key on first use). Sealing off: identity. */
  async sealer(scope: MemoryScope): Promise<Sealer> {
    if (!this.sealing) return PLAIN;
    const key = await this.ring.forWrite(subjectOf(scope));
    return {
      text: (c, p) => sealText(key, p, memoryAad(scope, c)),
      maybe: (c, p) => (p == null ? null : sealText(key, p, memoryAad(scope, c))),
      vector: (v) => new Uint8Array(sealBytes(key, encodeVector(v), memoryAad(scope, 'memories.embedding'))),
      tag: (purpose, value) => keyedTag(key, scope, purpose, value),
    };
  }

  /** Every tag `value` may be stored under for the user: the keyed one (when the user has a key) and the plain value (written with sealing off). */
  async tags(scope: MemoryScope, purpose: string, value: string): Promise<string[]> {
    const key = await this.ring.existing(subjectOf(scope));
    return key ? [keyedTag(key, scope, purpose, value), value] : [value];
  }

  /** An opener for `values` of the user (fetches the keys they name, normally one). */
  async opener(scope: MemoryScope, values: Iterable<string | Uint8Array | null | undefined>): Promise<Opener> {
    const keys = new Map<string, DataKey | KeyDestroyedError>();
    for (const v of values) {
      const id = v == null ? null : sealedKeyId(v);
      if (id === null || keys.has(id)) continue;
      try {
        keys.set(id, await this.ring.forRead(subjectOf(scope), id));
      } catch (e) {
        if (!(e instanceof KeyDestroyedError)) throw e;
        keys.set(id, e);
      }
    }
    const keyOf = (stored: string | Uint8Array, column: SealedColumn): DataKey => {
      const id = sealedKeyId(stored);
      const k = id === null ? undefined : keys.get(id);
      if (k === undefined) throw new DecryptionError(column, 'corrupted header (no data key id)');
      if (k instanceof KeyDestroyedError) throw k;
      return k;
    };
    const text = (c: SealedColumn, s: string) => (isSealedText(s) ? openText(keyOf(s, c), s, memoryAad(scope, c), c) : s);
    return {
      text,
      maybe: (c, s) => (s == null ? null : text(c, s)),
      vector: (b) => (b && isSealedBytes(b) ? decodeVector(openBytes(keyOf(b, 'memories.embedding'), b, memoryAad(scope, 'memories.embedding'), 'memories.embedding')) : decodeVector(b)),
    };
  }

  /**
   * Opens rows of possibly several users: `values(row)` lists what will be opened, `map` builds
   * the result with that row's user's opener.
   */
  async openRows<R extends { tenantId: string; userId: string }, T>(rows: R[], values: (r: R) => Array<string | Uint8Array | null | undefined>, map: (o: Opener, r: R) => T): Promise<T[]> {
    const openers = new Map<string, Opener>();
    const byUser = new Map<string, R[]>();
    for (const r of rows) {
      const k = `${r.tenantId}\u0000${r.userId}`;
      const list = byUser.get(k);
      if (list) list.push(r);
      else byUser.set(k, [r]);
    }
    for (const [k, rs] of byUser) {
      const first = rs[0] as R;
      openers.set(k, await this.opener({ tenantId: first.tenantId, userId: first.userId }, rs.flatMap(values)));
    }
    return rows.map((r) => map(openers.get(`${r.tenantId}\u0000${r.userId}`) as Opener, r));
  }

  /**
   * Crypto-shredding: destroys the user's wrapped data key (and this process's cached copy).
   * Every ciphertext of the user — live rows, dumps, backups — is unreadable afterwards; a later
   * write for the same user id gets a new key. Whole-user erasure calls it as its last step.
   */
  async shredUser(scope: MemoryScope): Promise<void> {
    await this.ring.shred(subjectOf(scope));
  }

  /** Another process shredded (or rotated) the user: drop this process's cached key. */
  evict(scope: MemoryScope): void {
    this.ring.evict(subjectOf(scope));
  }

  /** Re-wraps every user's data key under the current master key; no ciphertext changes. */
  async rotateMasterKey(batch?: number): Promise<RotationReport> {
    return this.ring.rotateMasterKey(batch);
  }
}

const keyedTag = (key: DataKey, scope: MemoryScope, purpose: string, value: string) =>
  `k1:${createHmac('sha256', key.key).update(`${memoryAad(scope, 'memories.text')}\u0000tag\u0000${purpose}\u0000${value}`).digest('hex')}`;

const PLAIN: Sealer = { text: (_c, p) => p, maybe: (_c, p) => p ?? null, vector: encodeVector, tag: (_p, v) => v };
