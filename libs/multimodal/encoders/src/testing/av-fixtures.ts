/**
 * Media made in the test run with the Debian tools (nothing downloaded, nothing mocked): speech from
 * espeak-ng, silences and noise laid with sox, containers (mp3, ogg/opus, webm, mp4) written by
 * ffmpeg, and videos with a burned-in text frame (drawtext) and a tone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function tool(bin: string, args: string[]): void {
  // sox -R: repeatable mode (fixed seed for its white noise and dither), so a clip is the same bytes in every run
  // and the weak recogniser's transcript does not change with the noise drawn
  const r = spawnSync(bin, bin === 'sox' ? ['-R', ...args] : args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${bin} is not installed (Debian package ${bin === 'espeak-ng' ? 'espeak-ng' : bin === 'sox' ? 'sox' : 'ffmpeg'}): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr}`);
}

function inDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-avfx-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where speech is in a made clip (the audible span of each utterance, ms on the clip's clock). */
export interface SpeechClip {
  wav: Buffer;
  spans: Array<{ startMs: number; endMs: number }>;
  durationMs: number;
}

function audible(wav16: Buffer, floor = 0.01): { startMs: number; endMs: number } {
  // 16-bit mono PCM after a 44-byte header (sox writes a canonical header for these)
  const data = wav16.subarray(44);
  let first = -1;
  let last = -1;
  for (let i = 0; i + 1 < data.length; i += 2) {
    if (Math.abs(data.readInt16LE(i) / 32768) > floor) {
      if (first < 0) first = i / 2;
      last = i / 2;
    }
  }
  return { startMs: first / 16, endMs: (last + 1) / 16 };
}

/**
 * Utterances spoken by espeak-ng, each preceded by `gapsMs[i]` of silence, `tailMs` of silence at
 * the end, and low white noise (sox `synth whitenoise`) mixed over the whole clip: a 16 kHz mono WAV.
 */
export function speechClip(utterances: string[], gapsMs: number[], tailMs = 800, noise = 0.004): SpeechClip {
  return inDir((dir) => {
    const spans: SpeechClip['spans'] = [];
    const parts: string[] = [];
    let at = 0;
    utterances.forEach((text, i) => {
      const raw = join(dir, `u${i}.wav`);
      const s16 = join(dir, `s${i}.wav`);
      tool('espeak-ng', ['-w', raw, text]);
      tool('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', s16, 'pad', String(gapsMs[i] / 1000), i === utterances.length - 1 ? String(tailMs / 1000) : '0']);
      const wav = readFileSync(s16);
      const span = audible(wav);
      spans.push({ startMs: at + span.startMs, endMs: at + span.endMs });
      at += ((wav.length - 44) / 2 / 16);
      parts.push(s16);
    });
    const speech = join(dir, 'speech.wav');
    if (parts.length > 1) tool('sox', [...parts, speech]);
    else tool('sox', [parts[0], speech]);
    const noiseFile = join(dir, 'noise.wav');
    tool('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', noiseFile, 'synth', String(at / 1000), 'whitenoise', 'vol', String(noise)]);
    const out = join(dir, 'out.wav');
    tool('sox', ['-m', speech, noiseFile, '-b', '16', out]);
    return { wav: readFileSync(out), spans, durationMs: at };
  });
}

/** Re-encodes media with ffmpeg into `ext`'s container (mp3, ogg → opus, webm → opus, wav). */
export function transcode(input: Buffer, ext: 'mp3' | 'ogg' | 'webm' | 'wav' | 'm4a', extra: string[] = []): Buffer {
  return inDir((dir) => {
    const src = join(dir, 'in');
    writeFileSync(src, input);
    const out = join(dir, `out.${ext}`);
    const codec = ext === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '64k'] : ext === 'ogg' || ext === 'webm' ? ['-c:a', 'libopus', '-b:a', '32k'] : ext === 'm4a' ? ['-c:a', 'aac'] : [];
    tool('ffmpeg', ['-y', '-v', 'error', '-i', src, ...codec, ...extra, out]);
    return readFileSync(out);
  });
}

export interface VideoSpec {
  durationS: number;
  /** Frames per second (default 10). */
  fps?: number;
  /** Text burned in between `fromS` and `toS`. */
  text?: { value: string; fromS: number; toS: number };
  /** A sine tone as the audio track (Hz); or speech (espeak-ng) as the audio track. */
  tone?: number;
  speech?: string;
  /** x264 GOP length in frames (default 2 s worth). */
  gop?: number;
  /** Keyframes exactly at these times (no scene-cut keyframes; overrides `gop`). */
  keyframesAtS?: number[];
  width?: number;
  height?: number;
}

/** An H.264 + AAC MP4 made by ffmpeg from lavfi sources: white background, optional text, tone or speech. */
export function makeVideo(spec: VideoSpec): Buffer {
  return inDir((dir) => {
    const fps = spec.fps ?? 10;
    const w = spec.width ?? 640;
    const h = spec.height ?? 360;
    const args = ['-y', '-v', 'error', '-f', 'lavfi', '-i', `color=c=white:s=${w}x${h}:d=${spec.durationS}:r=${fps}`];
    if (spec.speech) {
      const sp = join(dir, 'speech.wav');
      tool('espeak-ng', ['-w', sp, spec.speech]);
      args.push('-i', sp);
    } else {
      args.push('-f', 'lavfi', '-i', `sine=frequency=${spec.tone ?? 440}:duration=${spec.durationS}`);
    }
    const vf = spec.text
      ? [`drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:text='${spec.text.value}':fontsize=${Math.round(h / 7)}:fontcolor=black:x=(w-text_w)/2:y=(h-text_h)/2:enable='between(t,${spec.text.fromS},${spec.text.toS})'`]
      : [];
    const out = join(dir, 'out.mp4');
    args.push(...(vf.length ? ['-vf', vf.join(',')] : []), '-c:v', 'libx264', '-preset', 'ultrafast',
      ...(spec.keyframesAtS ? ['-g', '100000', '-sc_threshold', '0', '-force_key_frames', spec.keyframesAtS.join(',')] : ['-g', String(spec.gop ?? fps * 2)]), '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-af', 'apad', '-t', String(spec.durationS), '-movflags', '+faststart', out);
    tool('ffmpeg', args);
    return readFileSync(out);
  });
}
