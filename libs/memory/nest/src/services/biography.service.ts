import { Inject, Injectable, Optional } from '@nestjs/common';
import { MlInputError, type ChatModel } from '@frontier/ml-ports';
import type { MemoryScope } from '@frontier/memory-contracts';
import { deterministicBiography, isEpisode, whatDoYouKnow } from '@frontier/memory-domain';
import { MEMORY_BIOGRAPHY_LLM, MEMORY_CONTEXT, type MemoryContext } from '../ports';

export interface BiographyOutcome {
  rebuilt: boolean;
  factCount: number;
  generator: string;
  text: string;
}

/**
 * Tier 2: the ~1,000-token biography rebuilt from live facts — with the LLM when one is
 * configured, else the deterministic grouped summary. Skipped when the facts are unchanged and
 * the biography is not stale; special-category facts never go into it.
 */
@Injectable()
export class BiographyService {
  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    @Optional() @Inject(MEMORY_BIOGRAPHY_LLM) private readonly llm?: ChatModel | null,
  ) {}

  async rebuild(scope: MemoryScope, force = false): Promise<BiographyOutcome> {
    const { ctx } = this;
    const at = ctx.clock();
    // Fingerprinted in Postgres (over the stored, sealed texts) BEFORE the facts are read: a fact
    // changed in between makes the saved fingerprint differ from the live one, never match it.
    const fingerprint = await ctx.biographies.liveFingerprint(scope, at);
    const facts = (await ctx.memories.allLive(scope, at)).filter((m) => !isEpisode(m)); // the episodic tier is searched, not summarised
    const current = await ctx.biographies.get(scope);
    if (!force && current && !current.stale && current.fingerprint === fingerprint) {
      return { rebuilt: false, factCount: current.factCount, generator: current.generator, text: current.text };
    }
    let text = deterministicBiography(facts);
    let generator = 'deterministic-v1';
    if (this.llm && facts.length) {
      const sections = whatDoYouKnow(facts).filter((s) => s.sensitivity !== 'special-category');
      const listing = sections.map((s) => `${s.label}:\n${s.facts.map((f) => `- ${f.text}`).join('\n')}`).join('\n');
      const r = await this.llm
        .complete({
          messages: [
            { role: 'system', content: 'Write a concise biography of the user (at most 1,000 tokens) in the second person ("You …"), using only these facts. Do not add anything.' },
            { role: 'user', content: listing },
          ],
          temperature: 0,
          maxTokens: 1200,
        })
        // more facts than the model's context holds (an embedded model's is small): the grouped summary stands
        .catch((e: unknown) => {
          if (e instanceof MlInputError && e.code === 'input_too_large') return null;
          throw e;
        });
      if (r) {
        text = r.content.trim();
        generator = `llm:${this.llm.modelId}`;
      } else generator = 'deterministic-v1 (the facts exceed the LLM context)';
    }
    await ctx.biographies.save(scope, { text, factCount: facts.length, fingerprint, generator, stale: false, builtAt: ctx.clock() });
    return { rebuilt: true, factCount: facts.length, generator, text };
  }

  /** Monthly: every user whose biography is missing, stale or older than `olderThanDays` gets a rebuild. */
  async sweep(olderThanDays = 30): Promise<{ queued: number }> {
    const users = await this.ctx.biographies.usersNeedingRebuild(new Date(this.ctx.clock().getTime() - olderThanDays * 86_400_000));
    for (const scope of users) await this.ctx.notifier.biographyDue(scope);
    return { queued: users.length };
  }
}
