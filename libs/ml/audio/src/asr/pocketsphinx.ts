/**
 * CMU PocketSphinx (Debian `pocketsphinx` 0.8 + `pocketsphinx-en-us`) as the weak offline ASR
 * fallback: the clip is resampled to 16 kHz, written as a PCM16 WAV (the only input the 0.8 CLI
 * accepts) and decoded by `pocketsphinx_continuous -infile … -time yes`, whose per-utterance word
 * timings become the transcript segments.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { MlInputError, ModelUnavailableError, type PcmAudio, type SpeechRecognizer, type Transcript, type TranscriptSegment } from '@frontier/ml-ports';
import { checkPcm, durationMs, MODEL_SAMPLE_RATE } from '../pcm';
import { resample } from '../resample';
import { encodeWav } from '../wav';
import { FILLER, PocketsphinxStream, WORD_LINE } from './pocketsphinx-stream';

export interface PocketsphinxAsrOptions {
  /** CLI to run; a name looked up on PATH or a path. Default `pocketsphinx_continuous`. */
  binary?: string;
  /** Holds `en-us/` (acoustic model), `en-us.lm.bin`, `cmudict-en-us.dict`. Default /usr/share/pocketsphinx/model/en-us. */
  modelDir?: string;
  /** Kill the decoder after this long (default 120 000 ms). */
  timeoutMs?: number;
  /** Decoder flags of the resident streaming recogniser (openStream); default POCKETSPHINX_STREAM_ARGS. */
  streamArgs?: string[];
}

export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const MODEL_ID = 'pocketsphinx:en-us';
const MODEL_FILES = { hmm: 'en-us', lm: 'en-us.lm.bin', dict: 'cmudict-en-us.dict' } as const;

function findBinary(binary: string): string | undefined {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (binary.includes('/')) return executable(binary) ? binary : undefined;
  return (process.env['PATH'] ?? '')
    .split(delimiter)
    .map((d) => join(d, binary))
    .find(executable);
}

/** Parses `-time yes` output: a hypothesis line, then `word start end prob` lines per utterance. */
export function parsePocketsphinxOutput(stdout: string): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let words: { w: string; start: number; end: number }[] = [];
  const flush = () => {
    const spoken = words.filter((x) => !FILLER.test(x.w));
    if (spoken.length > 0) {
      segments.push({
        startMs: Math.round(spoken[0].start * 1000),
        endMs: Math.round(spoken[spoken.length - 1].end * 1000),
        text: spoken.map((x) => x.w.replace(/\(\d+\)$/, '')).join(' '),
      });
    }
    words = [];
  };
  for (const line of stdout.split('\n').map((l) => l.trim())) {
    const m = WORD_LINE.exec(line);
    if (m) {
      words.push({ w: m[1], start: Number(m[2]), end: Number(m[3]) });
      if (m[1] === '</s>') flush();
    } else if (line) {
      flush(); // a hypothesis line opens the next utterance
    }
  }
  flush();
  return segments;
}

function run(binary: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-65536); // the CLI logs its whole config: keep the tail
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ModelUnavailableError('asr', MODEL_ID, `${binary} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new ModelUnavailableError('asr', MODEL_ID, `cannot run ${binary}: ${cause.message}`, { cause }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** PocketSphinx offline ASR (English only; weak — for smoke tests and as a last resort). */
export async function createPocketsphinxAsr(options: PocketsphinxAsrOptions = {}): Promise<SpeechRecognizer> {
  const binary = findBinary(options.binary ?? 'pocketsphinx_continuous');
  if (!binary) {
    throw new ModelUnavailableError('asr', MODEL_ID, `${options.binary ?? 'pocketsphinx_continuous'} not found or not executable (Debian package pocketsphinx)`);
  }
  const dir = options.modelDir ?? POCKETSPHINX_MODEL_DIR;
  const paths = { hmm: join(dir, MODEL_FILES.hmm), lm: join(dir, MODEL_FILES.lm), dict: join(dir, MODEL_FILES.dict) };
  const missing = [paths.hmm, join(paths.hmm, 'mdef'), paths.lm, paths.dict].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new ModelUnavailableError('asr', MODEL_ID, `missing model files: ${missing.join(', ')} (Debian package pocketsphinx-en-us)`);
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    modelId: MODEL_ID,
    adapter: 'pocketsphinx-cli',
    /** A resident decoder process fed as the user speaks (one per realtime session; close() kills it). */
    openStream(sampleRate: number): PocketsphinxStream {
      return new PocketsphinxStream(sampleRate, { binary, paths, args: options.streamArgs });
    },
    async transcribe(audio: PcmAudio, opts?: { language?: string; prompt?: string }): Promise<Transcript> {
      checkPcm(audio);
      if (opts?.language && !/^en(-us)?$/i.test(opts.language)) {
        throw new MlInputError('invalid_argument', 'options.language', `pocketsphinx has only an en-us model, got ${opts.language}`);
      }
      const work = mkdtempSync(join(tmpdir(), 'pocketsphinx-'));
      try {
        const wav = join(work, 'input.wav');
        writeFileSync(wav, encodeWav(resample(audio, MODEL_SAMPLE_RATE), 'pcm16'));
        const args = ['-infile', wav, '-hmm', paths.hmm, '-lm', paths.lm, '-dict', paths.dict, '-samprate', String(MODEL_SAMPLE_RATE), '-time', 'yes'];
        const r = await run(binary, args, timeoutMs);
        if (r.code !== 0) {
          const why = r.stderr.split('\n').filter((l) => /^(ERROR|FATAL)/.test(l)).join(' | ') || r.stderr.slice(-500);
          throw new ModelUnavailableError('asr', MODEL_ID, `${binary} exited with code ${r.code}: ${why}`);
        }
        const segments = parsePocketsphinxOutput(r.stdout);
        return { text: segments.map((s) => s.text).join(' '), language: 'en', segments, durationMs: durationMs(audio) };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}
