/**
 * Encryption at rest (issue 13, item 3): ingest and search through the shipped service path with
 * per-user envelope encryption (AES-256-GCM data keys, the shipped default) and without it
 * (MEMORY_ENCRYPTION=off: plaintext columns), interleaved in the same run on one Postgres.
 *
 * - ingest: LoCoMo sessions through storeSession + processSession (turns-as-observations extractor:
 *   every significant turn becomes a memory, the most writes per session — the worst case for
 *   sealing); sessions/s and memories/s, median of repeats, the two modes alternating first.
 * - index load (cold): a fresh process's first search of a user rebuilds its embedded index (dense +
 *   BM25, in process) from Postgres: every live row decrypted (text and vector) — the cost of keeping
 *   lexical search derived from ciphertext. Measured as `indexItems` + build, per user.
 * - search (warm): MemoryService.search (index hybrid search, liveByIds decrypting the candidates,
 *   re-scoring, the biography check and decrypt; record: false), p50/p99, queries alternating
 *   between an encrypted and a plaintext copy of the same conversation.
 *
 * The embedder is a deterministic feature-hashing encoder (512-d, no model) so the figures show the
 * service's own cost; with the real USE-lite encoder ingest is encoder-bound (see ingest.ts) and the
 * ratio is closer to 1.
 *
 *   node -r @swc-node/register bench/memory/encryption.ts [--locomo <locomo-dev.json>] [repeats=3] [queries=300] [conversations=all]
 */
import { createHash } from 'node:crypto';
import { turnObservationExtractor } from '@frontier/memory-domain';
import { encodeVector, MemoryCipher } from '@frontier/memory-data-access';
import { LocalKeyManagementService, openBytes, openText, sealBytes, sealText } from '@frontier/platform-crypto';
import { createBenchMemory, type BenchMemory } from './lib/bench-memory';
import { benchArgs, datasetPath, median, medianMs, printHeadline, round, usageError } from '../lib/harness';
import { openBenchDb, percentile } from './lib/bench-db';
import { loadLocomo } from './lib/locomo-data';
import { ingestConversation } from './lib/locomo-ingest';
import { hashingEmbedder as sharedHashingEmbedder } from './lib/hashing-embedder';

const USAGE = 'usage: bench/memory/encryption.ts [--locomo <locomo-dev.json>] [repeats=3] [queries=300] [conversations=all]';
const path = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const args = benchArgs().positional;
const REPEATS = Number(args[0] ?? 3);
const QUERIES = Number(args[1] ?? 300);
const CONVERSATIONS = args[2] === undefined ? Infinity : Number(args[2]);
if (!Number.isInteger(REPEATS) || REPEATS < 1) usageError(`repeats must be a whole number ≥ 1, got ${args[0]}; ${USAGE}`);
if (!Number.isInteger(QUERIES) || QUERIES < 1) usageError(`queries must be a whole number ≥ 1, got ${args[1]}; ${USAGE}`);
if (CONVERSATIONS !== Infinity && (!Number.isInteger(CONVERSATIONS) || CONVERSATIONS < 1)) usageError(`conversations must be a whole number ≥ 1, got ${args[2]}; ${USAGE}`);

const DIM = 512;
const hashingEmbedder = () => sharedHashingEmbedder(DIM);

/** Microseconds per seal and per open (AES-256-GCM + format), a 120-character text and a 512-d vector, median of 5 × 2,000. */
function perOp() {
  const key = { id: 'dk-bench', key: createHash('sha256').update('k').digest() };
  const text = 'Caroline: I went to the LGBTQ support group yesterday and it was so powerful, thank you!!'.padEnd(120, '.');
  const vec = encodeVector(new Float32Array(DIM).map((_, i) => Math.sin(i)));
  const us = (f: () => unknown) => (medianMs(() => { for (let i = 0; i < 2000; i++) f(); }, 5) * 1000) / 2000;
  const sealedText = sealText(key, text, 'aad');
  const sealedVec = sealBytes(key, vec, 'aad');
  return {
    sealText: round(us(() => sealText(key, text, 'aad')), 2),
    openText: round(us(() => openText(key, sealedText, 'aad')), 2),
    sealVector: round(us(() => sealBytes(key, vec, 'aad')), 2),
    openVector: round(us(() => openBytes(key, sealedVec, 'aad')), 2),
  };
}

type Mode = 'encrypted' | 'plaintext';
const MODES: Mode[] = ['encrypted', 'plaintext'];
const lat = (xs: number[]) => ({ n: xs.length, p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2) });

async function main(): Promise<void> {
  const convs = loadLocomo(path).slice(0, CONVERSATIONS);
  const db = await openBenchDb('encryption');
  const kms = new LocalKeyManagementService({ keys: new Map([['bench', createHash('sha256').update('bench master key').digest()]]), current: 'bench' });
  const embedder = hashingEmbedder();
  const deps = (mode: Mode): BenchMemory => createBenchMemory({ prisma: db.prisma, embedder, extractor: turnObservationExtractor, keys: MemoryCipher.create(db.prisma, kms, { seal: mode === 'encrypted' }) });
  const ingest: Record<Mode, Array<{ s: number; sessions: number; memories: number }>> = { encrypted: [], plaintext: [] };
  const user = (mode: Mode, r: number, conv: string) => ({ tenantId: db.tenantId, userId: `${mode}:${r}:${conv}` });
  try {
    for (let r = 0; r < REPEATS; r++) {
      for (const mode of r % 2 ? [...MODES].reverse() : MODES) {
        const d = deps(mode);
        let sessions = 0;
        let memories = 0;
        const t0 = performance.now();
        for (const conv of convs) {
          const s = await ingestConversation(d, user(mode, r, conv.sampleId), conv);
          sessions += s.sessions;
          memories += s.added;
        }
        const s = (performance.now() - t0) / 1000;
        await d.ctx.index.close();
        ingest[mode].push({ s, sessions, memories });
        process.stderr.write(`ingest ${mode} run ${r}: ${sessions} sessions, ${memories} memories in ${s.toFixed(1)} s\n`);
      }
    }
    // biographies (the search path checks and decrypts them)
    for (const mode of MODES) {
      const d = deps(mode);
      for (const conv of convs) await d.svc.biography.rebuild(user(mode, 0, conv.sampleId));
      await d.ctx.index.close();
    }
    // cold index loads, alternating modes per user
    const cold: Record<Mode, number[]> = { encrypted: [], plaintext: [] };
    const rows: Record<Mode, number> = { encrypted: 0, plaintext: 0 };
    for (let rep = 0; rep < 5; rep++) {
      for (const conv of convs) {
        for (const mode of rep % 2 ? [...MODES].reverse() : MODES) {
          const d = deps(mode);
          const scope = user(mode, 0, conv.sampleId);
          const vector = (await embedder.embed(['warm']))[0] as Float32Array;
          const t0 = performance.now();
          await d.ctx.index.search(scope, { vector, text: 'warm', k: 10 }); // loads the user: indexItems (decrypts) + dense and BM25 build
          cold[mode].push(performance.now() - t0);
          if (rep === 0) rows[mode] = Math.max(rows[mode], (await d.ctx.memories.indexItems(scope, embedder.modelId)).length);
          await d.ctx.index.close();
        }
      }
    }
    // warm searches, alternating modes per query
    const live: Record<Mode, BenchMemory> = { encrypted: deps('encrypted'), plaintext: deps('plaintext') };
    const questions = convs.flatMap((c) => c.questions.map((q) => ({ conv: c.sampleId, q: q.question })));
    for (const mode of MODES) for (const conv of convs) await live[mode].svc.memories.search(user(mode, 0, conv.sampleId), { query: 'warm up', record: false });
    const warm: Record<Mode, number[]> = { encrypted: [], plaintext: [] };
    for (let i = 0; i < QUERIES; i++) {
      const { conv, q } = questions[i % questions.length] as { conv: string; q: string };
      for (const mode of i % 2 ? [...MODES].reverse() : MODES) {
        const t0 = performance.now();
        await live[mode].svc.memories.search(user(mode, 0, conv), { query: q, limit: 10, record: false });
        warm[mode].push(performance.now() - t0);
      }
    }
    for (const mode of MODES) await live[mode].ctx.index.close();

    const ing = (m: Mode) => {
      const s = median(ingest[m].map((x) => x.s));
      return { sessionsPerS: round((ingest[m][0]?.sessions ?? 0) / s, 2), memoriesPerS: round((ingest[m][0]?.memories ?? 0) / s, 1), runsS: ingest[m].map((x) => round(x.s, 1)) };
    };
    const result = {
      sealOpenUs: perOp(),
      ingest: { encrypted: ing('encrypted'), plaintext: ing('plaintext') },
      indexLoadMs: { encrypted: lat(cold.encrypted), plaintext: lat(cold.plaintext), rowsPerUserMax: rows.encrypted },
      searchMs: { encrypted: lat(warm.encrypted), plaintext: lat(warm.plaintext) },
    };
    const ratio = (a: number, b: number) => round(a / b, 3);
    const ratios = {
      ingestThroughput: ratio(result.ingest.encrypted.sessionsPerS, result.ingest.plaintext.sessionsPerS),
      indexLoadP50: ratio(result.indexLoadMs.encrypted.p50, result.indexLoadMs.plaintext.p50),
      searchP50: ratio(result.searchMs.encrypted.p50, result.searchMs.plaintext.p50),
      searchP99: ratio(result.searchMs.encrypted.p99, result.searchMs.plaintext.p99),
    };
    for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${JSON.stringify(v)}\n`);
    printHeadline('memory-encryption', { ...result, ratios, repeats: REPEATS, queries: QUERIES, conversations: convs.length, embedder: 'bench-hash-512', extractor: 'turns' });
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
