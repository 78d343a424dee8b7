/**
 * Whisper from an ONNX model directory (the transformers.js / Optimum export layout, e.g.
 * onnx-community/whisper-small) through @huggingface/transformers' automatic-speech-recognition
 * pipeline on onnxruntime-node. Nothing is downloaded: remote models are off and the directory is
 * served as a local model (`env.localModelPath` = its parent, model id = its name).
 *
 * Expected files: config.json, generation_config.json, preprocessor_config.json, tokenizer.json,
 * tokenizer_config.json, onnx/encoder_model{suffix}.onnx, onnx/decoder_model_merged{suffix}.onnx,
 * where suffix is '' (fp32), '_quantized' (q8), '_fp16', '_int8', '_uint8', '_q4' … per dtype.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { MlInputError, ModelUnavailableError, type PcmAudio, type SpeechRecognizer, type Transcript } from '@frontier/ml-ports';
import { checkPcm, durationMs, MODEL_SAMPLE_RATE } from '../pcm';
import { resample } from '../resample';

export type WhisperDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

export interface WhisperOnnxAsrOptions {
  /** The model directory (see the layout above). */
  dir: string;
  /** Default language (ISO 639-1, e.g. 'en') for multilingual models; auto-detected when absent. */
  language?: string;
  /** Weight variant to load; default: the first of fp32, q8, fp16, int8, uint8, q4 present. */
  dtype?: WhisperDtype;
}

const SUFFIX: Record<WhisperDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };
const PREFERRED: WhisperDtype[] = ['fp32', 'q8', 'fp16', 'int8', 'uint8', 'q4'];
export const WHISPER_CONFIG_FILES = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const onnxFiles = (d: WhisperDtype) => [`onnx/encoder_model${SUFFIX[d]}.onnx`, `onnx/decoder_model_merged${SUFFIX[d]}.onnx`];

interface AsrChunk {
  timestamp: [number, number | null];
  text: string;
}
interface AsrOutput {
  text: string;
  chunks?: AsrChunk[];
}
type AsrPipeline = (audio: Float32Array, options: Record<string, unknown>) => Promise<AsrOutput | AsrOutput[]>;

/** Checks the directory; returns the dtype to load or throws naming every missing file. */
export function checkWhisperDir(dir: string, dtype: WhisperDtype | undefined, modelId: string): WhisperDtype {
  const missing = WHISPER_CONFIG_FILES.filter((f) => !existsSync(join(dir, f)));
  const variants = dtype ? [dtype] : PREFERRED;
  const found = variants.find((d) => onnxFiles(d).every((f) => existsSync(join(dir, f))));
  if (!found) missing.push(...onnxFiles(dtype ?? 'fp32').filter((f) => !existsSync(join(dir, f))));
  if (missing.length > 0 || !found) {
    const alt = dtype ? '' : ' (or a quantised variant such as onnx/encoder_model_quantized.onnx)';
    throw new ModelUnavailableError('asr', modelId, `missing in ${dir}: ${missing.join(', ')}${alt}`);
  }
  return found;
}

/** Whisper ONNX directory adapter (transformers.js pipeline, local files only). */
export async function createWhisperOnnxAsr(options: WhisperOnnxAsrOptions): Promise<SpeechRecognizer> {
  if (!options || typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new MlInputError('invalid_argument', 'dir', 'a Whisper ONNX model directory is required');
  }
  const dir = resolve(options.dir);
  const name = basename(dir);
  const modelId = `onnx:${name}`;
  const dtype = checkWhisperDir(dir, options.dtype, modelId);
  let multilingual: boolean;
  let transcriber: AsrPipeline;
  try {
    const generation = JSON.parse(readFileSync(join(dir, 'generation_config.json'), 'utf8')) as { is_multilingual?: boolean; lang_to_id?: object };
    multilingual = generation.is_multilingual ?? generation.lang_to_id !== undefined;
    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.localModelPath = dirname(dir) + sep;
    const pipe = await tf.pipeline('automatic-speech-recognition', name, { dtype, device: 'cpu', local_files_only: true });
    transcriber = pipe as unknown as AsrPipeline; // the pipeline's callable type is a deep generic union
  } catch (cause) {
    throw new ModelUnavailableError('asr', modelId, `cannot load Whisper from ${dir}: ${(cause as Error).message}`, { cause });
  }
  return {
    modelId,
    adapter: 'onnx-whisper',
    async transcribe(audio: PcmAudio, opts?: { language?: string; prompt?: string }): Promise<Transcript> {
      checkPcm(audio);
      const language = opts?.language ?? options.language;
      if (language !== undefined && !/^[a-z]{2,3}$/i.test(language)) {
        throw new MlInputError('invalid_argument', 'options.language', `expected an ISO 639-1 code such as 'en', got ${language}`);
      }
      const pcm = resample(audio, MODEL_SAMPLE_RATE).samples;
      const params: Record<string, unknown> = { return_timestamps: true, chunk_length_s: 30, stride_length_s: 5 };
      if (multilingual) Object.assign(params, { task: 'transcribe' }, language ? { language } : {});
      let out: AsrOutput | AsrOutput[];
      try {
        out = await transcriber(pcm, params);
      } catch (cause) {
        throw new ModelUnavailableError('asr', modelId, `inference failed: ${(cause as Error).message}`, { cause });
      }
      const result = Array.isArray(out) ? out[0] : out;
      const total = durationMs(audio);
      const segments = (result.chunks ?? []).map((c) => ({
        startMs: Math.round(c.timestamp[0] * 1000),
        endMs: Math.round((c.timestamp[1] ?? total / 1000) * 1000),
        text: c.text.trim(),
      }));
      return { text: result.text.trim(), language: language, segments, durationMs: total };
    },
  };
}
