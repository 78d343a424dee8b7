import { findCommands, type Extractor } from '@frontier/memory-domain';

/**
 * `infer: false` (Mem0's add): each user message is one memory, verbatim (then deduplicated like
 * any other), except a message holding a forget command: it is obeyed, not stored (it names what
 * to forget). Sessions stored with extract mode `verbatim` are extracted with it wherever they run.
 */
export const verbatimExtractor: Extractor = {
  id: 'mem0-verbatim',
  extract: async (turns) => {
    const forgetting = new Set(findCommands(turns).filter((c) => c.kind === 'forget').map((c) => c.turnId));
    return turns.filter((t) => t.role === 'user' && !forgetting.has(t.id)).map((t) => ({ text: t.text.trim(), type: 'context' as const, confidence: 1, turnIds: [t.id] }));
  },
};
