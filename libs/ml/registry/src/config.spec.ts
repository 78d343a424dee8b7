import { resolveModelsConfig, ModelConfigError } from './config';

describe('models config', () => {
  it('defaults to the offline models that ship with npm / Debian', () => {
    const c = resolveModelsConfig({}, undefined, '/srv/app');
    expect(c.modelsDir).toBe('/srv/app/models');
    expect(Object.fromEntries(Object.entries(c.roles).map(([r, v]) => [r, v.adapter]))).toEqual({
      embedding: 'use',
      vad: 'silero',
      ocr: 'paddle',
      nsfw: 'nsfwjs',
      asr: 'pocketsphinx',
      llm: 'none',
    });
    expect(c.roles.embedding.source).toBe('default');
  });

  it('reads env over file, resolves dirs under MODELS_DIR, and takes API keys from ML_<ROLE>_API_KEY', () => {
    const c = resolveModelsConfig(
      { MODELS_DIR: '/models', ML_EMBEDDING: 'onnx-dir:all-MiniLM-L6-v2', ML_LLM: 'openai:http://vllm:8000/v1/#qwen', ML_LLM_API_KEY: 'sk-x' },
      { embedding: 'use', asr: 'whisper-onnx:/opt/whisper-small' },
    );
    expect(c.roles.embedding).toEqual({ role: 'embedding', adapter: 'onnx-dir', path: '/models/all-MiniLM-L6-v2', source: 'env ML_EMBEDDING' });
    expect(c.roles.llm).toEqual({ role: 'llm', adapter: 'openai', baseUrl: 'http://vllm:8000/v1', model: 'qwen', apiKey: 'sk-x', source: 'env ML_LLM' });
    expect(c.roles.asr).toMatchObject({ adapter: 'whisper-onnx', path: '/opt/whisper-small', source: 'file asr' });
  });

  it('names the variable and the fix for bad values', () => {
    expect(() => resolveModelsConfig({ ML_OCR: 'tesseract' })).toThrow(new ModelConfigError('ML_OCR', 'unknown adapter "tesseract" for ocr; use one of paddle'));
    expect(() => resolveModelsConfig({ ML_LLM: 'openai:vllm:8000' })).toThrow(/ML_LLM: openai needs a base URL/);
    expect(() => resolveModelsConfig({ ML_LLM: 'openai:http://vllm:8000/v1' })).toThrow(/ML_LLM: openai needs a model name after '#'/);
    expect(() => resolveModelsConfig({ ML_EMBEDDING: 'onnx-dir' })).toThrow(/ML_EMBEDDING: onnx-dir needs a model directory/);
    expect(() => resolveModelsConfig({}, { vision: 'x' })).toThrow(/MODELS_CONFIG.vision: unknown role/);
    expect(() => resolveModelsConfig({ ML_EMBEDDING_DIMENSION: 'big' })).toThrow('ML_EMBEDDING_DIMENSION: must be a positive integer');
    expect(resolveModelsConfig({ ML_EMBEDDING: 'openai:http://tei:8080/v1#bge-m3', ML_EMBEDDING_DIMENSION: '1024' }).roles.embedding.dimension).toBe(1024);
  });
});
