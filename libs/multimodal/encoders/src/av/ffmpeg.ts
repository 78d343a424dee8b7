/**
 * Debian's ffmpeg / ffprobe as the gateway's decoders: the bytes go to a private temp file (MP4s
 * with the index at the end need a seekable input), the tool runs with a deadline and the caller's
 * abort signal, and a failure is an {@link AvError} carrying the tool's last stderr line — the
 * gateway turns it into a 400 naming the part.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** ffmpeg/ffprobe refused the input (corrupt, truncated, no such stream) or is missing. */
export class AvError extends Error {
  constructor(
    message: string,
    readonly code: 'undecodable' | 'no_stream' | 'tool_missing' | 'timeout' | 'aborted',
  ) {
    super(message);
    this.name = 'AvError';
  }
}

export interface AvRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

const DEFAULT_TIMEOUT_MS = 120_000;

function run(binary: string, args: string[], opts: AvRunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new AvError(`${binary} not started: aborted`, 'aborted'));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(() => reject(new AvError(`${binary} took longer than ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, 'timeout')));
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const onAbort = () => {
      child.kill('SIGKILL');
      done(() => reject(new AvError(`${binary} aborted`, 'aborted')));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 16_384) err += b.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      done(() => reject(e.code === 'ENOENT' ? new AvError(`${binary} is not installed (Debian package ffmpeg)`, 'tool_missing') : e)),
    );
    child.on('close', (code) => done(() => resolve({ stdout: Buffer.concat(out), stderr: err, code })));
  });
}

/** The last meaningful stderr line, without ffmpeg's `[demuxer @ 0x…]` prefix. */
export function lastError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter((l) => l && !/^(Conversion failed|Error opening input files?)/.test(l));
  return (lines[lines.length - 1] ?? 'unreadable data').slice(0, 200);
}

/** Runs `f` with the bytes in a private temp file. */
export async function withTempFile<T>(bytes: Uint8Array, f: (path: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'frontier-av-'));
  try {
    const path = join(dir, 'input');
    await writeFile(path, bytes);
    return await f(path, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface AvProbe {
  /** Container duration, seconds. */
  durationS: number;
  formatName: string;
  audio: { codec: string; sampleRate: number; channels: number } | null;
  video: { codec: string; width: number; height: number; fps: number; frames: number | null } | null;
  /** Keyframe (I-frame) times of the first video stream, seconds, ascending (from the packet index: no decoding). */
  keyframesS: number[];
}

function rate(r: unknown): number {
  if (typeof r !== 'string') return 0;
  const [n, d] = r.split('/').map(Number);
  return d ? n / d : Number(n) || 0;
}

/** ffprobe: format, first audio and video stream, and the video's keyframe times. */
export async function probeMedia(bytes: Uint8Array, opts: AvRunOptions = {}): Promise<AvProbe> {
  return withTempFile(bytes, async (path) => {
    const r = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path], opts);
    if (r.code !== 0) throw new AvError(`unreadable media: ${lastError(r.stderr)}`, 'undecodable');
    const j = JSON.parse(r.stdout.toString('utf8')) as { format?: Record<string, unknown>; streams?: Array<Record<string, unknown>> };
    const streams = j.streams ?? [];
    const a = streams.find((s) => s['codec_type'] === 'audio');
    const v = streams.find((s) => s['codec_type'] === 'video' && (s['disposition'] as Record<string, number> | undefined)?.['attached_pic'] !== 1);
    const probe: AvProbe = {
      durationS: Number(j.format?.['duration'] ?? 0) || 0,
      formatName: String(j.format?.['format_name'] ?? ''),
      audio: a ? { codec: String(a['codec_name']), sampleRate: Number(a['sample_rate']) || 0, channels: Number(a['channels']) || 0 } : null,
      video: v
        ? {
            codec: String(v['codec_name']),
            width: Number(v['width']) || 0,
            height: Number(v['height']) || 0,
            fps: rate(v['avg_frame_rate']) || rate(v['r_frame_rate']),
            frames: v['nb_frames'] !== undefined ? Number(v['nb_frames']) : null,
          }
        : null,
      keyframesS: [],
    };
    if (probe.video) {
      const k = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path], opts);
      if (k.code !== 0) throw new AvError(`unreadable video: ${lastError(k.stderr)}`, 'undecodable');
      probe.keyframesS = k.stdout
        .toString('utf8')
        .split('\n')
        .map((l) => l.split(','))
        .filter(([t, flags]) => flags?.includes('K') && t !== 'N/A' && t !== '')
        .map(([t]) => Number(t))
        .filter((t) => Number.isFinite(t))
        .sort((x, y) => x - y);
    }
    return probe;
  });
}

export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
}

/**
 * Decodes the first audio stream to mono float PCM at `sampleRate` (default 16 kHz). `-xerror`
 * stops at the first damaged packet, so a corrupt or truncated clip fails instead of decoding noise.
 */
export async function decodeAudio(bytes: Uint8Array, opts: AvRunOptions & { sampleRate?: number } = {}): Promise<DecodedAudio> {
  const sampleRate = opts.sampleRate ?? 16_000;
  return withTempFile(bytes, async (path) => {
    const r = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-xerror', '-i', path, '-map', '0:a:0', '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'], opts);
    if (r.code !== 0) {
      const why = lastError(r.stderr);
      throw new AvError(/matches no streams|does not contain any stream/i.test(r.stderr) ? 'has no audio stream' : `could not be decoded: ${why}`, /matches no streams/i.test(r.stderr) ? 'no_stream' : 'undecodable');
    }
    if (r.stderr.trim()) throw new AvError(`could not be decoded cleanly: ${lastError(r.stderr)}`, 'undecodable');
    const samples = new Float32Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + (r.stdout.byteLength & ~3)));
    if (samples.length === 0) throw new AvError('has no audio samples', 'undecodable');
    return { samples, sampleRate };
  });
}

export interface ExtractedFrame {
  /** Presentation time of the frame, seconds. */
  atS: number;
  png: Buffer;
}

/**
 * Frames as PNGs, scaled so the long side is at most `maxSide`: every frame nearest to each of
 * `timesS` (ascending), decoded in one pass with ffmpeg's select filter.
 */
export async function extractFrames(bytes: Uint8Array, timesS: readonly number[], opts: AvRunOptions & { maxSide?: number } = {}): Promise<ExtractedFrame[]> {
  if (timesS.length === 0) return [];
  const side = opts.maxSide ?? 1024;
  return withTempFile(bytes, async (path, dir) => {
    // pick, for each wanted time, the first frame at or after it (one frame per wanted time)
    const wanted = timesS.map((t) => t.toFixed(3));
    const select = wanted.map((t) => `gte(t,${t})*(isnan(prev_selected_t)+lt(prev_selected_t,${t}))`).join('+');
    const scale = `scale='if(gt(iw,ih),min(${side},iw),-2)':'if(gt(iw,ih),-2,min(${side},ih))'`;
    const r = await run(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-v', 'info', '-i', path, '-map', '0:v:0', '-vf', `select='${select}',${scale},showinfo`, '-fps_mode', 'passthrough', '-f', 'image2', join(dir, 'f%05d.png')],
      opts,
    );
    if (r.code !== 0) throw new AvError(`could not be decoded: ${lastError(r.stderr)}`, 'undecodable');
    const times = [...r.stderr.matchAll(/pts_time:\s*([0-9.]+)/g)].map((m) => Number(m[1]));
    const files = (await readdir(dir)).filter((f) => /^f\d+\.png$/.test(f)).sort();
    return Promise.all(files.map(async (f, i) => ({ atS: times[i] ?? timesS[i] ?? 0, png: await readFile(join(dir, f)) })));
  });
}
