/**
 * Audio and video paths of the gateway (issue 15), measured in this process on media made in the run.
 *
 * (1) Audio: real-time factor (stage wall time / audio duration; < 1 is faster than real time) per
 *     stage of the shipped path — ffmpeg decode to 16 kHz, Silero VAD, ASR on the speech segments
 *     only — on --clips espeak-ng clips (sentences with --gap-ms silences and sox noise between),
 *     beside the baseline without VAD (ASR on the whole decoded clip). ASR is pocketsphinx (the
 *     offline default; ML_ASR picks another through the registry).
 * (2) Video: frames per second through the image path for a --video-s clip (ffmpeg testsrc2 with a
 *     burned-in clock, every frame distinct) sampled at --fps: extraction alone (ffmpeg select),
 *     extraction + resize (a vision upstream), and shipped (extraction + resize + OCR + NSFW: an
 *     upstream without vision, image safety on — the defaults).
 *
 *   node -r @swc-node/register bench/multimodal/media.ts [--clips 6] [--gap-ms 1200] [--video-s 20] [--fps 1] [--redis redis://127.0.0.1:6379]
 *
 * The headline is one JSON line last.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createPocketsphinxAsr, createSileroVad } from '@frontier/ml-audio';
import { AudioTranscriber, DEFAULT_SERVICE_CONFIG, decodeAudio, extractFrames, ImageEncoderService, InlineEncoderClient } from '@frontier/multimodal-encoders';
import { speechClip } from '@frontier/multimodal-encoders/testing';
import { benchArgs, printHeadline, round, usageError } from '../lib/harness';

const USAGE = 'bench/multimodal/media.ts [--clips 6] [--gap-ms 1200] [--video-s 20] [--fps 1] [--redis <url>]';
const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
for (const k of flags.keys()) if (!['clips', 'gap-ms', 'video-s', 'fps', 'redis'].includes(k)) usageError(`unknown flag --${k}; usage: ${USAGE}`);
const num = (name: string, def: number, min: number) => {
  const v = Number(flags.get(name) ?? def);
  if (!Number.isFinite(v) || v < min) usageError(`--${name} must be a number ≥ ${min}`);
  return v;
};
const CLIPS = num('clips', 6, 1);
const GAP_MS = num('gap-ms', 1200, 0);
const VIDEO_S = num('video-s', 20, 1);
const FPS = num('fps', 1, 0.01);
const REDIS_URL = flags.get('redis') ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const SENTENCES = [
  'Please call Stella and ask her to bring these things with her from the store.',
  'Remember to buy milk tomorrow morning.',
  'The meeting moved to Thursday at three in the afternoon.',
  'Send the invoice to the accounting team before Friday.',
  'It will rain tomorrow, so take an umbrella.',
  'The train to the airport leaves every twenty minutes.',
];

async function audio() {
  const vad = await createSileroVad();
  const asr = await createPocketsphinxAsr();
  const t = new AudioTranscriber(vad, asr);
  let audioMs = 0;
  const stage = { decode: 0, vad: 0, asr: 0, whole: 0 };
  for (let i = 0; i < CLIPS; i++) {
    const clip = speechClip([SENTENCES[i % SENTENCES.length], SENTENCES[(i + 1) % SENTENCES.length]], [GAP_MS, GAP_MS], GAP_MS);
    const r = await t.transcribe(clip.wav);
    audioMs += r.durationMs;
    stage.decode += r.timings.decodeMs;
    stage.vad += r.timings.vadMs;
    stage.asr += r.timings.asrMs;
    // baseline: no VAD, the whole decoded clip to the recogniser
    const t0 = performance.now();
    const pcm = await decodeAudio(clip.wav);
    await asr.transcribe(pcm);
    stage.whole += performance.now() - t0;
  }
  await vad.close();
  const rtf = (ms: number) => round(ms / audioMs, 4);
  const rows = [
    { name: 'decode (ffmpeg)', rtf: rtf(stage.decode) },
    { name: 'vad (silero)', rtf: rtf(stage.vad) },
    { name: 'asr on speech (pocketsphinx)', rtf: rtf(stage.asr) },
    { name: 'shipped (decode+vad+asr)', rtf: rtf(stage.decode + stage.vad + stage.asr) },
    { name: 'baseline: decode + asr on whole clip', rtf: rtf(stage.whole) },
  ];
  console.log(`audio: ${CLIPS} clips, ${round(audioMs / 1000, 1)} s of audio (${GAP_MS} ms silences)`);
  for (const r of rows) console.log(`  ${r.name.padEnd(38)} RTF ${r.rtf}`);
  return { audio_s: round(audioMs / 1000, 2), rows };
}

/** A clip whose every frame is distinct (testsrc2 + a clock), with `label` burned in so runs never share a cached frame. */
function makeClip(label: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'bench-media-'));
  try {
    const out = join(dir, 'v.mp4');
    const r = spawnSync('ffmpeg', [
      '-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=640x360:d=${VIDEO_S}:r=25`,
      '-vf', `drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:text='${label} %{pts\\:hms}':fontsize=36:fontcolor=white:box=1:boxcolor=black:x=20:y=20`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out,
    ]);
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function video() {
  const times = Array.from({ length: Math.floor(VIDEO_S * FPS) }, (_, k) => Math.round((k / FPS) * 1000) / 1000);
  const service = await ImageEncoderService.create({ ...DEFAULT_SERVICE_CONFIG, redisUrl: REDIS_URL, keyPrefix: `bench-media-${process.pid}:enc`, cacheTtlS: 1, lruEntries: 1 });
  const client = new InlineEncoderClient(service);
  const run = async (name: string, opts: { encode: boolean; ocr: boolean; safety: boolean }) => {
    const clip = makeClip(name.replace(/[^A-Za-z]/g, '').slice(0, 12));
    const t0 = performance.now();
    const frames = await extractFrames(clip, times, { maxSide: 1024 });
    if (opts.encode) {
      const images = frames.map((f, i) => ({ part: `v@${i}`, sha256: createHash('sha256').update(f.png).digest('hex'), dataB64: f.png.toString('base64'), maxSide: 336, ocr: opts.ocr, safety: opts.safety }));
      const r = await client.encodeImages({ requestId: randomUUID(), images, deadline: Date.now() + 600_000 });
      if (!r.ok) throw new Error(`encode failed: ${r.message}`);
    }
    const s = (performance.now() - t0) / 1000;
    const row = { name, frames: frames.length, seconds: round(s, 3), frames_per_s: round(frames.length / s, 2) };
    console.log(`  ${name.padEnd(34)} ${row.frames} frames in ${row.seconds} s → ${row.frames_per_s} frames/s`);
    return row;
  };
  console.log(`video: ${VIDEO_S} s 640×360 clip at ${FPS} fps`);
  await run('warm-up', { encode: true, ocr: true, safety: true });
  const rows = [
    await run('extract only (ffmpeg)', { encode: false, ocr: false, safety: false }),
    await run('extract + resize (vision upstream)', { encode: true, ocr: false, safety: false }),
    await run('shipped (extract+resize+OCR+NSFW)', { encode: true, ocr: true, safety: true }),
  ];
  await service.close();
  return { video_s: VIDEO_S, fps: FPS, rows };
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const a = await audio();
  const v = await video();
  printHeadline('multimodal-media', {
    audio: a,
    video: v,
    shipped_audio_rtf: a.rows.find((r) => r.name.startsWith('shipped'))?.rtf,
    shipped_video_frames_per_s: v.rows.find((r) => r.name.startsWith('shipped'))?.frames_per_s,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
