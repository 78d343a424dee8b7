import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DecryptionError, MasterKeyConfigError } from './errors';
import type { KeyManagementService, WrappedKey } from './kms';

/** Id of the development master key used when none is configured outside production. */
export const DEV_MASTER_KEY_ID = 'dev-insecure';

/**
 * The development master key: derived from a fixed, public string, so every process of a dev
 * machine (API, worker, tests, `npm run demo`) agrees on it with no setup. It protects nothing —
 * production refuses to start without configured keys.
 */
export function devMasterKey(): Buffer {
  return createHash('sha256').update('frontier development master key - public, not a secret, never for production').digest();
}

export interface LocalKmsOptions {
  /** Master keys by id (32 bytes each). */
  keys: ReadonlyMap<string, Uint8Array>;
  /** The id new wraps use (must be among `keys`). */
  current: string;
}

/**
 * Master keys held in process, from configuration ({@link localKmsFromEnv}). Wraps a data key
 * with AES-256-GCM under the current master key; `context` (the subject the data key belongs to)
 * is authenticated, so a wrapped key copied to another subject's row does not unwrap.
 * Wrapped form: iv (12) | tag (16) | ciphertext (32).
 */
export class LocalKeyManagementService implements KeyManagementService {
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  private readonly current: string;

  constructor(o: LocalKmsOptions) {
    for (const [id, k] of o.keys) {
      if (k.length !== 32) throw new MasterKeyConfigError(`master key ${id} must be 32 bytes (AES-256), got ${k.length}`);
    }
    if (!o.keys.has(o.current)) throw new MasterKeyConfigError(`current master key ${o.current} is not among the configured keys (${[...o.keys.keys()].join(', ')})`);
    this.keys = o.keys;
    this.current = o.current;
  }

  currentKeyId(): string {
    return this.current;
  }

  keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async wrap(dataKey: Uint8Array, context: string): Promise<WrappedKey> {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.master(this.current), iv);
    c.setAAD(Buffer.from(`${this.current}\u0000${context}`, 'utf8'));
    const ct = Buffer.concat([c.update(dataKey), c.final()]);
    return { masterKeyId: this.current, wrapped: Buffer.concat([iv, c.getAuthTag(), ct]) };
  }

  async unwrap(key: WrappedKey, context: string): Promise<Uint8Array> {
    const w = Buffer.from(key.wrapped);
    if (w.length < 28 + 1) throw new DecryptionError('wrapped data key', 'truncated');
    const d = createDecipheriv('aes-256-gcm', this.master(key.masterKeyId), w.subarray(0, 12));
    d.setAAD(Buffer.from(`${key.masterKeyId}\u0000${context}`, 'utf8'));
    d.setAuthTag(w.subarray(12, 28));
    try {
      return Buffer.concat([d.update(w.subarray(28)), d.final()]);
    } catch {
      throw new DecryptionError('wrapped data key', `authentication failed under master key ${key.masterKeyId} (tampered, or wrapped for another subject)`);
    }
  }

  private master(id: string): Uint8Array {
    const k = this.keys.get(id);
    if (!k) throw new MasterKeyConfigError(`master key ${id} is not configured (FRONTIER_MASTER_KEYS): data keys wrapped by it cannot be unwrapped`);
    return k;
  }
}

/**
 * Parses `id1:base64,id2:base64` (each key 32 bytes, base64 or base64url). Ids: letters, digits,
 * `.`, `_`, `-`.
 */
export function parseMasterKeys(spec: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf(':');
    const id = at > 0 ? part.slice(0, at) : '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new MasterKeyConfigError(`FRONTIER_MASTER_KEYS: entry "${part.slice(0, 16)}…" must be id:base64 (id of letters, digits, . _ -)`);
    const key = Buffer.from(part.slice(at + 1), 'base64');
    if (key.length !== 32) throw new MasterKeyConfigError(`FRONTIER_MASTER_KEYS: key ${id} must decode to 32 bytes, got ${key.length}`);
    if (out.has(id)) throw new MasterKeyConfigError(`FRONTIER_MASTER_KEYS: key ${id} is listed twice`);
    out.set(id, key);
  }
  return out;
}

export interface MasterKeyEnv {
  FRONTIER_MASTER_KEYS?: string | undefined;
  FRONTIER_MASTER_KEY_CURRENT?: string | undefined;
  NODE_ENV?: string | undefined;
}

/**
 * The local KMS from the environment: `FRONTIER_MASTER_KEYS` (`id:base64` pairs, comma-separated)
 * and `FRONTIER_MASTER_KEY_CURRENT` (default: the last listed). Unset outside production: the
 * public {@link devMasterKey} (id `dev-insecure`), with `onDevKey` called once so the app can warn.
 * Unset with `NODE_ENV=production`: throws — never silently insecure.
 */
export function localKmsFromEnv(env: MasterKeyEnv = process.env, onDevKey?: (message: string) => void): LocalKeyManagementService {
  const spec = env.FRONTIER_MASTER_KEYS?.trim();
  if (!spec) {
    if (env.NODE_ENV === 'production') {
      throw new MasterKeyConfigError('FRONTIER_MASTER_KEYS is required when NODE_ENV=production (id:base64 of 32 random bytes, e.g. `k1:$(openssl rand -base64 32)`)');
    }
    onDevKey?.(`FRONTIER_MASTER_KEYS is not set: using the public development master key "${DEV_MASTER_KEY_ID}" (data at rest is not protected; production refuses to start without keys)`);
    return new LocalKeyManagementService({ keys: new Map([[DEV_MASTER_KEY_ID, devMasterKey()]]), current: DEV_MASTER_KEY_ID });
  }
  const keys = parseMasterKeys(spec);
  if (!keys.size) throw new MasterKeyConfigError('FRONTIER_MASTER_KEYS lists no key');
  const current = env.FRONTIER_MASTER_KEY_CURRENT?.trim() || [...keys.keys()][keys.size - 1];
  if (!current || !keys.has(current)) throw new MasterKeyConfigError(`FRONTIER_MASTER_KEY_CURRENT=${current} is not among FRONTIER_MASTER_KEYS (${[...keys.keys()].join(', ')})`);
  return new LocalKeyManagementService({ keys, current });
}
