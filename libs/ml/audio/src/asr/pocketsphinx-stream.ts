/**
 * A resident PocketSphinx recogniser for one realtime session: one long-lived
 * `pocketsphinx_continuous -infile /dev/stdin` process (model loaded once), fed raw PCM16 16 kHz
 * on stdin as the user speaks, so decoding runs during the utterance. At the end of a turn a
 * second of silence is written (whole 2048-sample blocks: the CLI reads in blocks), which makes the
 * decoder's own endpointer close the utterance and print it; only that tail is waited for.
 *
 * pocketsphinx's word times count from the process start, so each turn remembers where it began:
 * an utterance is the turn's answer once its `</s>` ends within `endGraceMs` of the audio pushed,
 * and output that ends before a turn began (a late piece of the previous one) is dropped.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { SpeechStream, Transcript, TranscriptSegment } from '@frontier/ml-ports';
import { MODEL_SAMPLE_RATE } from '../pcm';
import { StreamingResampler } from '../resample';

const BLOCK = 2048; // samples per fread() of pocketsphinx_continuous
/** A `-time yes` word line: `word start end prob`. */
export const WORD_LINE = /^(\S+) (-?\d+\.\d+) (-?\d+\.\d+) (-?\d+(?:\.\d+)?(?:e-?\d+)?)$/;
/** Silence, noise and filler tokens. */
export const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

export interface PocketsphinxStreamOptions {
  binary: string;
  paths: { hmm: string; lm: string; dict: string };
  /** Extra CLI flags (decoder settings). */
  args?: string[];
  /** Silence written at the end of a turn (default 1000 ms). */
  padMs?: number;
  /** An utterance ending this close to the pushed audio's end closes the turn, when end() is not told the trailing silence (default 1000 ms). */
  endGraceMs?: number;
  /** end() resolves with what it has after this long (default 10 000 ms: a loaded machine decodes slower than real time). */
  endTimeoutMs?: number;
}

/**
 * Decoder flags of the streaming default: single-pass search (no fwdflat/bestpath rescoring, which
 * would re-run the whole utterance at its end), a 250-ms internal endpoint (the session's VAD has
 * already ended the turn; this only closes pocketsphinx's utterance), and a capped search (at most
 * 3000 active HMMs and 5 word exits per frame: ≈ 3.6× less CPU on this machine, so the decoder keeps
 * up with real time on a loaded 2-core box; noisier words — pass `streamArgs` to change).
 */
export const POCKETSPHINX_STREAM_ARGS = ['-fwdflat', 'no', '-bestpath', 'no', '-vad_postspeech', '25', '-maxhmmpf', '3000', '-maxwpf', '5'];

interface Utterance {
  words: { w: string; start: number; end: number }[];
  /** `</s>` end, seconds since the process started. */
  endSec: number;
}

/** Words, ending near the end of the pushed audio: the turn's last utterance (a silence-only one does not close it; the timeout does). */
const closes = (u: Utterance, minEnd: number) => u.endSec >= minEnd && u.words.some((x) => !FILLER.test(x.w));

export class PocketsphinxStream implements SpeechStream {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly resampler: StreamingResampler;
  private written = 0; // 16-kHz samples written since the process started
  private turnStart = 0;
  private turnSamples = 0; // input-rate samples pushed this turn
  private out = '';
  private done: Utterance[] = [];
  private waiters: { minEnd: number; resolve: () => void }[] = [];
  private closed = false;

  constructor(
    readonly sampleRate: number,
    private readonly o: PocketsphinxStreamOptions,
  ) {
    this.resampler = new StreamingResampler(sampleRate, MODEL_SAMPLE_RATE);
    this.start();
  }

  /** (Re)starts the decoder: at open, and at the next turn after it died on its own. */
  private start(): void {
    const o = this.o;
    this.written = this.turnStart = 0;
    this.done = [];
    this.out = '';
    this.current = [];
    const { hmm, lm, dict } = o.paths;
    const args = ['-infile', '/dev/stdin', '-hmm', hmm, '-lm', lm, '-dict', dict, '-samprate', String(MODEL_SAMPLE_RATE), '-time', 'yes', ...(o.args ?? POCKETSPHINX_STREAM_ARGS)];
    // node's stdin "pipe" is a socketpair, which /dev/stdin cannot open: `cat |` makes a real pipe.
    // Its own process group, so close() kills sh, cat and the decoder together (no orphans).
    const child = spawn('/bin/sh', ['-c', 'cat | "$@"', 'pocketsphinx-stream', o.binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    child.stdin.on('error', () => undefined); // EPIPE after an exit: close() handles it
    child.stderr.resume(); // the CLI logs its whole config; nobody reads it
    child.stdout.setEncoding('utf8').on('data', (d: string) => this.read(d));
    child.on('error', () => this.exited(child));
    child.on('exit', () => this.exited(child));
  }

  /** The recogniser's process group id (null once closed). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  push(samples: Float32Array): void {
    if (this.closed || samples.length === 0) return;
    if (this.turnSamples === 0) this.beginTurn();
    this.turnSamples += samples.length;
    this.write(this.resampler.push(samples));
  }

  async end(options?: { silenceMs?: number }): Promise<Transcript> {
    const durationMs = (this.turnSamples * 1000) / this.sampleRate;
    const start = this.turnStart;
    if (this.turnSamples === 0 || !this.child) {
      this.turnSamples = 0;
      return this.collect(start, this.written, durationMs);
    }
    const spoken = this.written;
    this.turnSamples = 0;
    const pad = new Float32Array(Math.round(((this.o.padMs ?? 1000) * this.sampleRate) / 1000));
    this.write(this.resampler.push(pad));
    const tail = (BLOCK - (this.written % BLOCK)) % BLOCK;
    if (tail) this.write(new Float32Array(tail));
    const graceMs = options?.silenceMs !== undefined ? options.silenceMs + 300 : (this.o.endGraceMs ?? 1000);
    const minEnd = (spoken - (graceMs * MODEL_SAMPLE_RATE) / 1000) / MODEL_SAMPLE_RATE;
    const boundary = this.written;
    if (!this.done.some((u) => closes(u, minEnd))) {
      await new Promise<void>((resolve) => {
        const w = {
          minEnd,
          resolve: () => {
            clearTimeout(timer);
            this.waiters = this.waiters.filter((x) => x !== w);
            resolve();
          },
        };
        const timer = setTimeout(w.resolve, this.o.endTimeoutMs ?? 10_000);
        this.waiters.push(w);
      });
    }
    return this.collect(start, boundary, durationMs);
  }

  discard(): void {
    if (this.turnSamples === 0) return;
    this.turnSamples = 0;
    // close pocketsphinx's utterance too; its output ends before the next turn's start and is dropped
    this.write(new Float32Array(Math.ceil(MODEL_SAMPLE_RATE / BLOCK) * BLOCK));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const child = this.child;
    this.child = null;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
    for (const w of [...this.waiters]) w.resolve();
  }

  private beginTurn(): void {
    if (!this.child) this.start(); // it died (killed, crashed): a fresh one for this turn
    this.turnStart = this.written;
  }

  private write(x16k: Float32Array): void {
    const child = this.child;
    if (!child || x16k.length === 0) return;
    const buf = Buffer.alloc(x16k.length * 2);
    for (let i = 0; i < x16k.length; i++) buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x16k[i] * 32768))), i * 2);
    this.written += x16k.length;
    child.stdin.write(buf);
  }

  private current: Utterance['words'] = [];
  private read(d: string): void {
    this.out += d;
    let nl: number;
    while ((nl = this.out.indexOf('\n')) >= 0) {
      const line = this.out.slice(0, nl).trim();
      this.out = this.out.slice(nl + 1);
      const m = WORD_LINE.exec(line);
      if (!m) {
        this.current = []; // a hypothesis line opens an utterance
        continue;
      }
      this.current.push({ w: m[1], start: Number(m[2]), end: Number(m[3]) });
      if (m[1] !== '</s>') continue;
      const u = { words: this.current, endSec: Number(m[3]) };
      this.current = [];
      this.done.push(u);
      for (const w of this.waiters.filter((x) => closes(u, x.minEnd))) w.resolve();
    }
  }

  /** The utterances ending in (start, boundary] (16-kHz sample positions); earlier ones are a past turn's late tail, dropped. */
  private collect(start: number, boundary: number, durationMs: number): Transcript {
    const offset = start / MODEL_SAMPLE_RATE;
    const last = boundary / MODEL_SAMPLE_RATE;
    const mine = this.done.filter((u) => u.endSec > offset && u.endSec <= last);
    this.done = this.done.filter((u) => u.endSec > last);
    const segments: TranscriptSegment[] = [];
    for (const u of mine) {
      const spoken = u.words.filter((x) => !FILLER.test(x.w));
      if (spoken.length === 0) continue;
      segments.push({
        startMs: Math.max(0, Math.round((spoken[0].start - offset) * 1000)),
        endMs: Math.max(0, Math.round((spoken[spoken.length - 1].end - offset) * 1000)),
        text: spoken.map((x) => x.w.replace(/\(\d+\)$/, '')).join(' '),
      });
    }
    return { text: segments.map((s) => s.text).join(' '), language: 'en', segments, durationMs };
  }

  private exited(child: ChildProcessWithoutNullStreams): void {
    if (child !== this.child) return; // an earlier process
    this.child = null; // not closed: the next turn starts a new one
    for (const w of [...this.waiters]) w.resolve();
  }
}
