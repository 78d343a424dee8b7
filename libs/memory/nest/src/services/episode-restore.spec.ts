import type { MemoryScope } from '@frontier/memory-contracts';
import type { Extractor } from '@frontier/memory-domain';
import { FORGET_COMMAND_ACTOR, forgetCommandReason } from '@frontier/memory-data-access';
import { SyncService } from '../sync/sync.service';
import { filler, memoryTestBed } from './testbed.spec-helper';

const AT = new Date('2026-03-08T10:00:00Z');

/** Two facts from turn t1 (different types: they coexist), nothing from other turns. */
const twoFacts: Extractor = {
  id: 'two-facts',
  extract: async (turns) => (turns.some((t) => t.id === 't1') ? [{ text: 'Works at Initech', type: 'work' as const, confidence: 0.9, turnIds: ['t1'] }, { text: 'Likes mountain biking on Sundays', type: 'preference' as const, confidence: 0.9, turnIds: ['t1'] }] : []),
};

describe('episodes and their facts: restore and supersession on real Postgres (issue 14 loose ends; hashing embedder)', () => {
  const bed = memoryTestBed('episode_restore', { clock: () => new Date('2026-03-09T00:00:00Z') });
  const scope = (userId: string) => bed.scope(userId);

  const ingest = async (s: MemoryScope, sessionId: string, content: string, extractor?: Extractor) => {
    const stored = await bed.svc.sessions.store(s, { sessionId, startedAt: AT, turns: [{ id: 't1', role: 'user', content, at: AT }, ...filler(10)] });
    return bed.svc.extraction.process(s, stored.id, extractor ? { extractor } : {});
  };
  const rows = (s: MemoryScope) => bed.prisma.memory.findMany({ where: { tenantId: bed.tenantId, userId: s.userId }, orderBy: { createdAt: 'asc' } });
  const forget = (s: MemoryScope, ids: string[]) => bed.svc.extraction.softDelete(s, ids, forgetCommandReason('c1', 'forget that'), FORGET_COMMAND_ACTOR);
  const episodeOf = async (s: MemoryScope) => (await rows(s)).find((r) => r.type === 'episode');
  const searchEpisodes = async (s: MemoryScope, q: string) => (await bed.svc.memories.search(s, { query: q, limit: 10, record: false, types: ['episode'] })).memories.map((m) => m.memory.id);

  it('restoring a forgotten fact restores the episode its deletion took with it: live, searchable, synced', async () => {
    const ann = scope('ann');
    await ingest(ann, 'a1', 'I work at Initech as a tester.');
    const fact = (await rows(ann)).find((r) => r.type === 'work');
    const episode = await episodeOf(ann);
    expect([fact?.turnIds, episode?.turnIds]).toEqual([['t1'], ['t1']]);
    expect(await forget(ann, [fact?.id as string])).toBe(1);
    expect((await episodeOf(ann))?.deletedAt).not.toBeNull(); // taken with the fact
    expect(await searchEpisodes(ann, 'Initech tester')).toEqual([]);

    const restored = await bed.svc.memories.restore(ann, fact?.id as string);
    expect(restored.memory.deletedAt).toBeNull();
    expect((await episodeOf(ann))?.deletedAt).toBeNull();
    expect(await searchEpisodes(ann, 'Initech tester')).toContain(episode?.id);
    const events = await bed.prisma.memoryEvent.findMany({ where: { memoryId: episode?.id as string }, orderBy: { at: 'asc' }, select: { event: true, actor: true } });
    expect(events.map((e) => e.event)).toEqual(['ADD', 'DELETE', 'RESTORE']);
    const synced = await bed.prisma.memorySyncChange.findMany({ where: { tenantId: bed.tenantId, userId: 'ann', op: 'restore' }, select: { memoryId: true } });
    expect(synced.map((c) => c.memoryId).sort()).toEqual([fact?.id, episode?.id].sort());
  });

  it('an episode deleted for another reason stays deleted: deleted on its own before, or under a pending erasure', async () => {
    const bo = scope('bo');
    await ingest(bo, 'b1', 'I work at Globex as a welder.');
    const fact = (await rows(bo)).find((r) => r.type === 'work');
    const episode = await episodeOf(bo);
    await bed.svc.memories.delete(bo, episode?.id as string); // the user deleted the episode itself first
    await forget(bo, [fact?.id as string]);
    await bed.svc.memories.restore(bo, fact?.id as string);
    expect((await episodeOf(bo))?.deletedAt).not.toBeNull();

    const cy = scope('cy');
    await ingest(cy, 'c1', 'I work at Hooli as a designer.');
    const cyFact = (await rows(cy)).find((r) => r.type === 'work');
    const cyEpisode = await episodeOf(cy);
    await forget(cy, [cyFact?.id as string]);
    await bed.svc.erasure.eraseMemory(cy, cyEpisode?.id as string); // pending: its hard delete has not run yet
    await bed.svc.memories.restore(cy, cyFact?.id as string);
    expect((await episodeOf(cy))?.deletedAt).not.toBeNull();
    expect(await searchEpisodes(cy, 'Hooli designer')).toEqual([]);
  });

  it('two facts of one turn forgotten together: the episode comes back only with the last of them (else the other fact is said there)', async () => {
    const dee = scope('dee');
    await ingest(dee, 'd1', 'I work at Initech and I love mountain biking on Sundays.', twoFacts);
    const all = await rows(dee);
    const ids = ['work', 'preference'].map((t) => all.find((r) => r.type === t)?.id as string);
    expect(await forget(dee, ids)).toBe(2);
    await bed.svc.memories.restore(dee, ids[0] as string);
    expect((await episodeOf(dee))?.deletedAt).not.toBeNull();
    await bed.svc.memories.restore(dee, ids[1] as string);
    expect((await episodeOf(dee))?.deletedAt).toBeNull();
  });

  it('a superseded fact invalidates its episode with a sync change: another device sees the episode no longer live', async () => {
    const eve = scope('eve');
    const sync = new SyncService(bed.ctx, bed.svc.memories);
    await ingest(eve, 'e1', 'I work at Initech as a tester.');
    const phone = await sync.delta(eve, { deviceId: 'phone' }); // a snapshot: the phone holds both memories
    const episode = await episodeOf(eve);
    expect(phone.items.map((i) => i.id)).toContain(episode?.id);
    const later = await bed.svc.sessions.store(eve, { sessionId: 'e2', startedAt: new Date('2026-03-08T12:00:00Z'), turns: [{ id: 't9', role: 'user', content: 'I work at Globex as a tester now.', at: new Date('2026-03-08T12:00:00Z') }, ...filler(10)] });
    const out = await bed.svc.extraction.process(eve, later.id);
    expect(out.results.some((r) => r.event === 'UPDATE')).toBe(true); // the Initech fact superseded
    expect((await episodeOf(eve))?.invalidAt).not.toBeNull();
    const delta = await sync.delta(eve, { deviceId: 'phone', since: phone.vector });
    const item = delta.items.find((i) => i.id === episode?.id);
    expect(item?.op).toBe('update');
    expect(item?.memory?.live).toBe(false);
  });
});
