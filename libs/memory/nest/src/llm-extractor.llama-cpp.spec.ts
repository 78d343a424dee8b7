import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@frontier/ml-llama-cpp';
import { ModelRegistry, resolveModelsConfig } from '@frontier/ml-registry';
import { factsSchema, LlmExtractor } from './llm-extractor';

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
});
