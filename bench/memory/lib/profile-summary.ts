import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { round } from '../../lib/harness';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

type Test = (url: string, fn: string) => boolean;

/**
 * Memory's parts of the request path: a sample counts for the first of these (in order) that any
 * frame of its stack belongs to — a search's pg call made by the live-row cache counts for the cache.
 */
const CONTAINERS: Array<[string, Test]> = [
  ['garbage collection', (_u, f) => f === '(garbage collector)'],
  ['query embedding (static table)', (u) => u.includes('libs/ml/embeddings/')],
  ['index search (BM25 + exact dense + fusion)', (u) => u.includes('libs/memory/vector-index/')],
  ['live-row cache (version check, pick)', (u) => u.includes('libs/memory/data-access/src/live-cache')],
  ['ranking (own-text blend, scoring, collapse)', (u) => u.includes('libs/memory/nest/src/services/ranking') || u.includes('libs/memory/domain/src/retrieval') || u.includes('libs/memory/domain/src/scoring')],
  ['profile block + presentation', (u) => u.includes('libs/memory/domain/src/profile') || u.includes('libs/memory/domain/src/sensitive') || u.includes('presenter')],
  ['memory search, other', (u) => u.includes('libs/memory/')],
];

/**
 * The rest of the request path: a sample counts for the innermost frame of its stack that one of
 * these matches (middleware wraps whole requests, so "anywhere on the stack" would give it all).
 */
const LEAVES: Array<[string, Test]> = [
  ['Postgres client (pg)', (u) => /node_modules\/(pg|pg-pool|pg-protocol)\//.test(u)],
  ['Prisma client', (u) => u.includes('@prisma/')],
  ['rate limiter (Redis)', (u) => u.includes('rate-limit') || u.includes('rate-limiter-flexible')],
  ['Redis client (other)', (u) => u.includes('ioredis')],
  ['request log (pino)', (u) => u.includes('pino') || u.includes('sonic-boom')],
  ['metrics', (u) => u.includes('prom-client') || u.includes('metrics/metrics')],
  ['auth (API key)', (u) => u.includes('/auth/')],
  ['validation (class-validator/transformer, body read)', (u) => u.includes('class-validator') || u.includes('class-transformer') || u.includes('validation/')],
  ['JSON response (stringify, headers, socket write)', (u, f) => u.includes('express/lib/response') || f === 'writev' || f === 'writeUtf8String'],
];

/**
 * Where memory-api's CPU went, as shares of its busy samples: per component of the request path
 * (CONTAINERS, then LEAVES, else "the rest": Nest, Express, Node's HTTP and streams), then self
 * time per package/library. `window`: only samples inside it (CLOCK_MONOTONIC µs, the clock of
 * both V8's profiles and process.hrtime), i.e. the measured requests without start-up and warm-up.
 * Every process's profile is summed (one file per cluster worker).
 */
export function profileSummary(dir: string, window?: [number, number]): { components: Record<string, number>; self: Record<string, number>; busySamples: number } {
  const components = new Map<string, number>();
  const buckets = new Map<string, number>();
  let busy = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const componentOf = new Map<number, string>();
    const component = (id: number): string => {
      const known = componentOf.get(id);
      if (known) return known;
      const stack: ProfileNode[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at) as ProfileNode);
      const c =
        CONTAINERS.find(([, test]) => stack.some((n) => test(n.callFrame.url, n.callFrame.functionName)))?.[0] ??
        stack.map((n) => LEAVES.find(([, test]) => test(n.callFrame.url, n.callFrame.functionName))?.[0]).find((x) => x !== undefined) ??
        'HTTP + Nest + Node (the rest)';
      componentOf.set(id, c);
      return c;
    };
    let t = prof.startTime;
    const samples = prof.samples ?? [];
    for (let i = 0; i < samples.length; i++) {
      t += prof.timeDeltas?.[i] ?? 0;
      if (window && (t < window[0] || t > window[1])) continue;
      const n = byId.get(samples[i] as number) as ProfileNode;
      const name = n.callFrame.functionName;
      if (name === '(idle)' || name === '(program)') continue;
      busy++;
      components.set(component(n.id), (components.get(component(n.id)) ?? 0) + 1);
      const url = n.callFrame.url;
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
      const lib = /\/(libs\/[^/]+\/[^/]+|apps\/[^/]+)\//.exec(url)?.[1];
      const bucket = pkg ?? lib ?? (url.startsWith('node:') ? 'node internals' : name.startsWith('(') ? name : url ? 'other' : `(native) ${name || 'anonymous'}`);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
  }
  const share = (m: Map<string, number>, k: number) => Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, v]) => [key, round(v / Math.max(1, busy), 3)]));
  return { components: share(components, 30), self: share(buckets, 18), busySamples: busy };
}

