import type { PrismaClient } from '@frontier/platform-prisma';
import { episodeIndexTexts, isEpisode, type EpisodeSlot } from '@frontier/memory-domain';

/** A memory row as the index rebuild reads it (text already opened). */
export interface IndexRow {
  id: string;
  type: string;
  sessionId: string | null;
  turnIds: string[];
  text: string;
}

/**
 * The lexical text of each episodic observation when an index is rebuilt from Postgres: its text
 * with the neighbouring episodes of its session ({@link episodeIndexTexts}), ordered by the turns'
 * ordinals in the transcript — the same text extraction indexed it with. Facts keep their text.
 */
export async function indexTexts(prisma: PrismaClient, rows: readonly IndexRow[]): Promise<Map<string, string>> {
  const episodes = rows.filter((r) => isEpisode(r) && r.sessionId !== null && r.turnIds.length > 0);
  if (!episodes.length) return new Map();
  const turns = await prisma.memoryTurn.findMany({ where: { sessionId: { in: [...new Set(episodes.map((e) => e.sessionId as string))] } }, select: { sessionId: true, turnId: true, ordinal: true } });
  const ordinal = new Map(turns.map((t) => [`${t.sessionId}\u0000${t.turnId}`, t.ordinal]));
  const slots: EpisodeSlot[] = episodes.map((e) => ({ id: e.id, text: e.text, sessionId: e.sessionId as string, ordinal: ordinal.get(`${e.sessionId}\u0000${e.turnIds[0]}`) ?? Number.MAX_SAFE_INTEGER }));
  return episodeIndexTexts(slots);
}
