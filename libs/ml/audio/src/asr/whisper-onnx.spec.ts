import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlInputError, ModelUnavailableError } from '@frontier/ml-ports';
import { createWhisperOnnxAsr, WHISPER_CONFIG_FILES } from './whisper-onnx';

// No Whisper weights can be installed here: these tests cover the directory checks and the
// transformers.js loading path (local files only) up to the point where real weights are needed.
describe('Whisper ONNX directory adapter (transformers.js)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'whisper-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function loadError(options: Parameters<typeof createWhisperOnnxAsr>[0]): Promise<ModelUnavailableError> {
    const e = await createWhisperOnnxAsr(options).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ModelUnavailableError);
    expect(e).toMatchObject({ role: 'asr' });
    return e as ModelUnavailableError;
  }

  it('names every missing file of a missing directory', async () => {
    const e = await loadError({ dir: join(root, 'whisper-tiny') });
    expect(e.modelId).toBe('onnx:whisper-tiny');
    for (const f of [...WHISPER_CONFIG_FILES, 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx']) expect(e.message).toContain(f);
  });

  it('names only what is missing from a partial directory, per requested dtype', async () => {
    const dir = join(root, 'partial');
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json']) writeFileSync(join(dir, f), '{}');
    writeFileSync(join(dir, 'onnx/encoder_model_quantized.onnx'), '');
    const e = await loadError({ dir, dtype: 'q8' });
    expect(e.message).toContain('generation_config.json');
    expect(e.message).toContain('onnx/decoder_model_merged_quantized.onnx');
    expect(e.message).not.toContain('tokenizer.json');
    expect(e.message).not.toContain('onnx/encoder_model_quantized.onnx');
  });

  it('turns a complete but invalid directory into ModelUnavailableError, without going online', async () => {
    const dir = join(root, 'whisper-broken');
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    for (const f of WHISPER_CONFIG_FILES) writeFileSync(join(dir, f), f === 'config.json' ? JSON.stringify({ model_type: 'whisper' }) : '{}');
    for (const f of ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx']) writeFileSync(join(dir, f), 'not an onnx graph');
    const e = await loadError({ dir });
    expect(e.message).toMatch(/cannot load Whisper from .*whisper-broken/);
    // it got as far as onnxruntime reading the encoder from this directory
    expect(e.message).toMatch(/whisper-broken\/onnx\/encoder_model\.onnx/);
  });

  it('rejects a missing dir option as bad input', async () => {
    await expect(createWhisperOnnxAsr({ dir: '' })).rejects.toBeInstanceOf(MlInputError);
  });
});
