import { startLoopbackLlmServer } from '@frontier/ml-llm';
import { ModelUnavailableError } from '@frontier/ml-ports';
import { checkRole } from './check';
import { resolveModelsConfig } from './config';
import { ModelRegistry } from './registry';

describe('ModelRegistry with the real offline models', () => {
  it('loads every offline default once and runs a real probe through it', async () => {
    const registry = new ModelRegistry(resolveModelsConfig({}));
    const results = [];
    for (const role of ['embedding', 'vad', 'ocr', 'nsfw', 'asr', 'llm'] as const) results.push(await checkRole(registry, role));
    expect(results.map((r) => [r.role, r.ok, r.detail])).toEqual([
      ['embedding', true, '512-d vector'],
      ['vad', true, '0 speech segment(s) in 1 s of silence'],
      ['ocr', true, '0 line(s) on a blank 64×64 image'],
      ['nsfw', true, '5 classes, scores sum 1.000'],
      ['asr', true, expect.stringMatching(/^transcribed 1 s of silence/)],
      ['llm', true, 'not configured (offline fallback in use)'],
    ]);
    expect(await registry.get('embedding')).toBe(await registry.get('embedding'));
    await expect(registry.get('llm')).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(await registry.optionalLlm()).toBeUndefined();
    await registry.close();
  }, 90_000);

  it('serves the LLM role from an OpenAI-compatible endpoint (loopback stand-in for a hosted LLM)', async () => {
    const server = await startLoopbackLlmServer({ replyTokens: 3 });
    const registry = new ModelRegistry(resolveModelsConfig({ ML_LLM: `openai:${server.baseUrl}#${server.model}` }));
    const r = await checkRole(registry, 'llm');
    expect(r).toMatchObject({ ok: true, adapter: 'openai', modelId: `openai:${server.model}` });
    await registry.close();
    await server.close();
  });

  it('reports a missing model directory as a failed check naming the role, not a crash', async () => {
    const registry = new ModelRegistry(resolveModelsConfig({ ML_EMBEDDING: 'onnx-dir:/nonexistent/minilm' }));
    const r = await checkRole(registry, 'embedding');
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/embedding model .* unavailable|nonexistent/);
    await registry.close();
  });
});
