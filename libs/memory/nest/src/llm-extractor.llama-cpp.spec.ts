import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@frontier/ml-llama-cpp';
import { ModelRegistry, resolveModelsConfig } from '@frontier/ml-registry';
import { factsSchema, LlmExtractor, transcriptParts } from './llm-extractor';

describe('LlmExtractor on the embedded llama.cpp adapter (ML_LLM=llama-cpp:<tiny GGUF the test writes>)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-gguf-'));
  const registry = new ModelRegistry(resolveModelsConfig({ ML_LLM: `llama-cpp:${writeTinyModel(join(dir, 'tiny.gguf'))}`, ML_LLM_THREADS: '1' }));
  afterAll(async () => {
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('schema-constrained generation → parsed, typed candidates with the turn as provenance', async () => {
    const llm = await registry.optionalLlm();
    if (!llm) throw new Error('ML_LLM=llama-cpp:… should configure the llm role');
    const extractor = new LlmExtractor(llm);
    const at = new Date('2026-11-30T10:00:00Z');
    const out = await extractor.extract([
      { id: 't1', role: 'user', text: 'I like tea, green tea mostly.', at },
      { id: 't2', role: 'assistant', text: 'Noted!' },
    ]);
    expect(extractor.id).toBe('llm:llama-cpp:tiny');
    expect(out).toEqual([{ text: 'I like tea', type: 'preference', confidence: 0.9, turnIds: ['t1'], validAt: at }]);
  }, 60_000);

  it('the schema names only this conversation\'s turns and never the episodic tier\'s type', () => {
    const s = factsSchema(['t1', 't2', 't1']) as { properties: { facts: { items: { properties: { turn_ids: { items: { enum: string[] } }; type: { enum: string[] } } } } } };
    expect(s.properties.facts.items.properties.turn_ids.items.enum).toEqual(['t1', 't2']);
    expect(s.properties.facts.items.properties.type.enum).not.toContain('episode');
    expect(s.properties.facts.items.properties.type.enum).toContain('preference');
  });

  it('a long session goes to the model in turn-aligned parts that fit its context', async () => {
    const turns = Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, role: 'user' as const, text: 'x'.repeat(40) }));
    expect(transcriptParts(turns, 120).map((p) => p.map((t) => t.id))).toEqual([['t0', 't1'], ['t2', 't3'], ['t4']]);
    expect(transcriptParts(turns, 10).map((p) => p.length)).toEqual([1, 1, 1, 1, 1]);
    expect(transcriptParts([], 10)).toEqual([]);
    const llm = await registry.optionalLlm();
    if (!llm) throw new Error('no llm');
    // two parts, one reply each: the tiny model's one fact, from each part's own turn
    const out = await new LlmExtractor(llm, 0.7, 60).extract([
      { id: 'a1', role: 'user', text: 'I like tea, green tea mostly.' },
      { id: 'b1', role: 'user', text: 'I like tea with honey too.' },
    ]);
    expect(out.map((c) => [c.text, c.turnIds])).toEqual([
      ['I like tea', ['a1']],
      ['I like tea', ['b1']],
    ]);
  }, 60_000);
});

