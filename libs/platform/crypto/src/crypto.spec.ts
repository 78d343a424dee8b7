import { randomBytes } from 'node:crypto';
import {
  DataKeyRing,
  DecryptionError,
  DEV_MASTER_KEY_ID,
  InMemoryDataKeyStore,
  isSealedText,
  KeyDestroyedError,
  LocalKeyManagementService,
  localKmsFromEnv,
  MasterKeyConfigError,
  openBytes,
  openText,
  parseMasterKeys,
  sealBytes,
  sealedKeyId,
  sealText,
} from './index';

const key = { id: 'dk-1', key: randomBytes(32) };
const alice = { tenantId: 't1', subjectId: 'alice' };
const bob = { tenantId: 't1', subjectId: 'bob' };
const kmsOf = (ids: string[], current = ids[ids.length - 1] as string) => new LocalKeyManagementService({ keys: new Map(ids.map((id) => [id, Buffer.alloc(32, id.charCodeAt(id.length - 1))])), current });

describe('envelope (AES-256-GCM, versioned format)', () => {
  it('round-trips text and bytes; the key id is in the header; the same text seals differently each time', () => {
    const s = sealText(key, 'I live in Paris', 't1|alice|memories.text');
    expect(isSealedText(s)).toBe(true);
    expect(s).not.toContain('Paris');
    expect(sealedKeyId(s)).toBe('dk-1');
    expect(openText(key, s, 't1|alice|memories.text')).toBe('I live in Paris');
    expect(sealText(key, 'I live in Paris', 't1|alice|memories.text')).not.toBe(s);
    const b = sealBytes(key, new Uint8Array([1, 2, 3, 4]), 'aad');
    expect([...openBytes(key, b, 'aad')]).toEqual([1, 2, 3, 4]);
  });

  it('a flipped byte anywhere is a DecryptionError naming the column, never garbage', () => {
    const b = sealBytes(key, Buffer.from('allergic to peanuts'), 'aad');
    for (let i = 0; i < b.length; i++) {
      const t = Buffer.from(b);
      t[i] = (t[i] ?? 0) ^ 0x01;
      expect(() => openBytes(key, t, 'aad', 'memories.text')).toThrow(DecryptionError);
    }
    expect(() => openBytes(key, b.subarray(0, b.length - 1), 'aad', 'memories.text')).toThrow(/cannot decrypt memories.text/);
  });

  it('another associated data (user, column) or another key does not open it', () => {
    const s = sealText(key, 'secret', 't1|alice|memories.text');
    expect(() => openText(key, s, 't1|bob|memories.text')).toThrow(/authentication failed/);
    expect(() => openText(key, s, 't1|alice|memory_turns.text')).toThrow(DecryptionError);
    expect(() => openText({ id: 'dk-1', key: randomBytes(32) }, s, 't1|alice|memories.text')).toThrow(DecryptionError);
    expect(() => openText({ id: 'dk-2', key: key.key }, s, 't1|alice|memories.text')).toThrow(/sealed under data key dk-1/);
    expect(() => openText(key, 'plain text', 'x')).toThrow(/not a sealed text/);
  });
});

describe('LocalKeyManagementService', () => {
  it('parses id:base64 pairs; refuses bad lengths, duplicate ids and an unknown current key', () => {
    const k = randomBytes(32).toString('base64');
    expect([...parseMasterKeys(`a:${k}, b:${k}`).keys()]).toEqual(['a', 'b']);
    expect(() => parseMasterKeys(`a:${randomBytes(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => parseMasterKeys(`a:${k},a:${k}`)).toThrow(/twice/);
    expect(() => parseMasterKeys(k)).toThrow(MasterKeyConfigError);
    expect(localKmsFromEnv({ FRONTIER_MASTER_KEYS: `a:${k},b:${k}` }).currentKeyId()).toBe('b');
    expect(localKmsFromEnv({ FRONTIER_MASTER_KEYS: `a:${k},b:${k}`, FRONTIER_MASTER_KEY_CURRENT: 'a' }).currentKeyId()).toBe('a');
    expect(() => localKmsFromEnv({ FRONTIER_MASTER_KEYS: `a:${k}`, FRONTIER_MASTER_KEY_CURRENT: 'z' })).toThrow(/not among/);
  });

  it('refuses to start in production without keys; elsewhere uses the public dev key and says so', () => {
    expect(() => localKmsFromEnv({ NODE_ENV: 'production' })).toThrow(/required when NODE_ENV=production/);
    const warnings: string[] = [];
    const kms = localKmsFromEnv({ NODE_ENV: 'development' }, (m) => warnings.push(m));
    expect(kms.currentKeyId()).toBe(DEV_MASTER_KEY_ID);
    expect(warnings).toHaveLength(1);
  });

  it('a wrap is bound to its context and master key', async () => {
    const kms = kmsOf(['m1']);
    const dk = randomBytes(32);
    const w = await kms.wrap(dk, 'alice');
    expect(Buffer.from(await kms.unwrap(w, 'alice')).equals(dk)).toBe(true);
    await expect(kms.unwrap(w, 'bob')).rejects.toThrow(DecryptionError);
    await expect(kms.unwrap({ ...w, masterKeyId: 'm9' }, 'alice')).rejects.toThrow(/not configured/);
  });
});

describe('DataKeyRing', () => {
  it('creates one key per subject on first write, caches it, and reads it back by id', async () => {
    const store = new InMemoryDataKeyStore();
    const ring = new DataKeyRing(kmsOf(['m1']), store);
    const [a1, a2] = await Promise.all([ring.forWrite(alice), ring.forWrite(alice)]);
    expect(a1?.id).toBe(a2?.id);
    const b = await ring.forWrite(bob);
    expect(b.id).not.toBe(a1?.id);
    expect(store.rows.size).toBe(2);
    const fresh = new DataKeyRing(kmsOf(['m1']), store);
    expect(Buffer.from((await fresh.forRead(alice, a1?.id ?? '')).key).equals(Buffer.from(a1?.key ?? []))).toBe(true);
  });

  it('shred: the subject\'s key is gone, reads fail with KeyDestroyedError, a later write gets a new key', async () => {
    const store = new InMemoryDataKeyStore();
    const ring = new DataKeyRing(kmsOf(['m1']), store);
    const k = await ring.forWrite(alice);
    const sealed = sealText(k, 'my address', 'aad');
    expect(await ring.shred(alice)).toBe(true);
    await expect(ring.forRead(alice, k.id)).rejects.toThrow(KeyDestroyedError);
    expect(await ring.existing(alice)).toBeNull();
    const k2 = await ring.forWrite(alice);
    expect(k2.id).not.toBe(k.id);
    expect(() => openText({ id: k.id, key: k2.key }, sealed, 'aad')).toThrow(DecryptionError);
  });

  it('master-key rotation re-wraps data keys only: the same data keys open old ciphertexts under the new master key alone', async () => {
    const store = new InMemoryDataKeyStore();
    const before = new DataKeyRing(kmsOf(['m1']), store);
    const k = await before.forWrite(alice);
    await before.forWrite(bob);
    const sealed = sealText(k, 'vegetarian', 'aad');
    const rotating = new DataKeyRing(kmsOf(['m1', 'm2']), store);
    expect(await rotating.rotateMasterKey(1)).toEqual({ masterKeyId: 'm2', rewrapped: 2, skipped: 0 });
    expect([...store.rows.values()].map((r) => r.key.masterKeyId)).toEqual(['m2', 'm2']);
    const after = new DataKeyRing(kmsOf(['m2']), store);
    expect(openText(await after.forRead(alice, k.id), sealed, 'aad')).toBe('vegetarian');
    expect(await after.rotateMasterKey()).toEqual({ masterKeyId: 'm2', rewrapped: 0, skipped: 0 });
  });

  it('a cached key expires after the TTL (another process may have shredded it)', async () => {
    let now = 0;
    const store = new InMemoryDataKeyStore();
    const ring = new DataKeyRing(kmsOf(['m1']), store, { cacheTtlMs: 1000, now: () => now });
    const k = await ring.forWrite(alice);
    await store.destroy(alice); // another process
    expect((await ring.forRead(alice, k.id)).id).toBe(k.id);
    now = 1001;
    await expect(ring.forRead(alice, k.id)).rejects.toThrow(KeyDestroyedError);
  });
});
