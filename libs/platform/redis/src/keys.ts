import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './client';

/**
 * Hash tag: `{tag}` makes Redis Cluster place every key containing it in one slot, which a
 * multi-key command (MULTI, EVAL with several KEYS, MGET/DEL of several keys) needs. Tag only
 * what must share a slot: all keys under one tag live on one master.
 */
export function hashTag(tag: string): string {
  return /\{[^}]+\}/.test(tag) ? tag : `{${tag}}`;
}

/** The nodes that own keys: every master of a Cluster, or the single Redis itself. */
export function keyNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * SCANs `pattern` on every node that owns keys (Cluster: each master; a SCAN sent to the
 * Cluster object reaches one random node) and hands each batch to `onKeys` with the node it came
 * from. Keys from one master may still hash to different slots: act on them one key at a time.
 */
export async function scanKeys(client: RedisClient, pattern: string, onKeys: (keys: string[], node: Redis) => Promise<void>, count = 500): Promise<void> {
  for (const node of keyNodes(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length) await onKeys(keys, node);
    } while (cursor !== '0');
  }
}

/**
 * Deletes `keys` (any slots) and returns how many existed. Single Redis: one UNLINK. Cluster: one
 * UNLINK per key, pipelined on the node given (keys from its SCAN) or sent through the cluster.
 */
export async function deleteKeys(client: RedisClient, keys: readonly string[], node?: Redis): Promise<number> {
  if (!keys.length) return 0;
  if (!isCluster(client)) return client.unlink(...keys);
  if (node) {
    const replies = (await node.pipeline(keys.map((k) => ['unlink', k])).exec()) ?? [];
    return replies.reduce((n, [err, r]) => (err ? n : n + Number(r)), 0);
  }
  const counts = await Promise.all(keys.map((k) => client.unlink(k)));
  return counts.reduce((a, b) => a + b, 0);
}

/** Deletes every key matching `pattern` on every master; returns how many. */
export async function deleteMatching(client: RedisClient, pattern: string): Promise<number> {
  let n = 0;
  await scanKeys(client, pattern, async (keys, node) => {
    n += await deleteKeys(client, keys, node);
  });
  return n;
}

/**
 * MGET that works across slots: single Redis sends one MGET; a Cluster one GET per key (ioredis
 * sends them at once, each to its master), the same replies in the same order.
 */
export async function getMany(client: RedisClient, keys: readonly string[]): Promise<(string | null)[]> {
  if (!keys.length) return [];
  if (!isCluster(client)) return client.mget(...keys);
  return Promise.all(keys.map((k) => client.get(k)));
}

/** {@link getMany} for binary values. */
export async function getManyBuffers(client: RedisClient, keys: readonly string[]): Promise<(Buffer | null)[]> {
  if (!keys.length) return [];
  if (!isCluster(client)) return client.mgetBuffer(...keys);
  return Promise.all(keys.map((k) => client.getBuffer(k)));
}
