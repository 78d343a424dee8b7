import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@frontier/ml-llama-cpp';
import { checkRole } from './check';
import { resolveModelsConfig } from './config';
import { ModelRegistry } from './registry';

describe('ML_LLM=llama-cpp:<file.gguf> (embedded llama.cpp)', () => {
  it('resolves the file under MODELS_DIR with its options, and names the variable on bad values', () => {
    const c = resolveModelsConfig({ MODELS_DIR: '/models', ML_LLM: 'llama-cpp:qwen2.5-1.5b-instruct-q4_k_m.gguf', ML_LLM_CONTEXT: '8192', ML_LLM_THREADS: '4', ML_LLM_GPU: 'auto' });
    expect(c.roles.llm).toEqual({ role: 'llm', adapter: 'llama-cpp', path: '/models/qwen2.5-1.5b-instruct-q4_k_m.gguf', contextSize: 8192, threads: 4, gpu: 'auto', source: 'env ML_LLM' });
    expect(resolveModelsConfig({ ML_LLM: 'llama-cpp:/opt/m.gguf', ML_LLM_GPU: 'false' }).roles.llm).toEqual({ role: 'llm', adapter: 'llama-cpp', path: '/opt/m.gguf', source: 'env ML_LLM' });
    expect(() => resolveModelsConfig({ ML_LLM: 'llama-cpp' })).toThrow('ML_LLM: llama-cpp needs a GGUF file: llama-cpp:<file.gguf under MODELS_DIR or absolute>');
    expect(() => resolveModelsConfig({ ML_LLM: 'llama-cpp:/opt/model.bin' })).toThrow(/ML_LLM: llama-cpp needs a GGUF file/);
    expect(() => resolveModelsConfig({ ML_LLM: 'llama-cpp:/m.gguf', ML_LLM_CONTEXT: '0' })).toThrow('ML_LLM_CONTEXT: must be an integer from 1 to 1048576');
    expect(() => resolveModelsConfig({ ML_LLM: 'llama-cpp:/m.gguf', ML_LLM_THREADS: 'many' })).toThrow('ML_LLM_THREADS: must be an integer from 1 to 1024');
    expect(() => resolveModelsConfig({ ML_LLM: 'llama-cpp:/m.gguf', ML_LLM_GPU: 'cuda' })).toThrow('ML_LLM_GPU: must be auto or false');
  });

  it('loads a GGUF through the registry and passes the llm check (tiny model the test writes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiny-gguf-'));
    const path = writeTinyModel(join(dir, 'tiny.gguf'));
    const registry = new ModelRegistry(resolveModelsConfig({ ML_LLM: `llama-cpp:${path}`, ML_LLM_THREADS: '1', ML_LLM_CONTEXT: '1024' }));
    expect(registry.configured('llm')).toBe(true);
    const r = await checkRole(registry, 'llm');
    expect(r).toMatchObject({ ok: true, adapter: 'llama-cpp', modelId: 'llama-cpp:tiny' });
    expect((await registry.optionalLlm())?.adapter).toBe('llama-cpp');
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a missing GGUF is a failed check naming the role, not a crash', async () => {
    const registry = new ModelRegistry(resolveModelsConfig({ ML_LLM: 'llama-cpp:/nonexistent/model.gguf' }));
    const r = await checkRole(registry, 'llm');
    expect(r).toMatchObject({ ok: false, adapter: 'llama-cpp' });
    await registry.close();
  });
});
