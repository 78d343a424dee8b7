/**
 * WAV (RIFF/WAVE) codec: PCM 8/16/24/32-bit integer and IEEE float 32/64-bit, plain or
 * WAVE_FORMAT_EXTENSIBLE, any channel count (mixed down to mono by averaging). Every malformed
 * file gives an MlInputError: not RIFF/WAVE → 'unsupported_format'; missing/short chunks or a data
 * chunk cut short → 'corrupt_media'.
 */
import { MlInputError, type PcmAudio } from '@frontier/ml-ports';
import { checkFinite, checkSampleRate } from './pcm';

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'pcm32' | 'float32';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const FIELD = 'audio';

interface Fmt {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

function corrupt(message: string): MlInputError {
  return new MlInputError('corrupt_media', FIELD, message);
}

function readFmt(view: DataView, at: number, size: number): Fmt {
  if (size < 16) throw corrupt(`fmt chunk is ${size} bytes, needs at least 16`);
  let format = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    if (size < 40) throw corrupt('WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
    format = view.getUint16(at + 24, true); // first two bytes of the sub-format GUID
  }
  return { format, channels, sampleRate, bits, blockAlign };
}

function sampleReader(fmt: Fmt, view: DataView): (offset: number) => number {
  const { format, bits } = fmt;
  if (format === FORMAT_PCM) {
    if (bits === 8) return (o) => (view.getUint8(o) - 128) / 128;
    if (bits === 16) return (o) => view.getInt16(o, true) / 32768;
    if (bits === 24) {
      return (o) => {
        const v = view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16);
        return v / 8388608;
      };
    }
    if (bits === 32) return (o) => view.getInt32(o, true) / 2147483648;
  }
  if (format === FORMAT_FLOAT) {
    if (bits === 32) return (o) => view.getFloat32(o, true);
    if (bits === 64) return (o) => view.getFloat64(o, true);
  }
  throw new MlInputError('unsupported_format', FIELD, `WAV encoding not supported: format tag ${format}, ${bits} bits (PCM 8/16/24/32 or float 32/64 only)`);
}

/** Decodes a WAV file into mono float PCM at the file's own sample rate. */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new MlInputError('empty_input', FIELD, 'no WAV bytes given');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new MlInputError('unsupported_format', FIELD, 'not a RIFF/WAVE file');
  }
  let fmt: Fmt | undefined;
  let data: { at: number; size: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length && !data) {
    const id = tag(at);
    const declared = view.getUint32(at + 4, true);
    const body = at + 8;
    // streaming writers leave 0xFFFFFFFF (or 0) in the data size: the data runs to the end
    const open = id === 'data' && (declared === 0xffffffff || declared === 0);
    const size = open ? bytes.length - body : declared;
    if (body + size > bytes.length) throw corrupt(`'${id.trim()}' chunk declares ${size} bytes but only ${bytes.length - body} remain (truncated file)`);
    if (id === 'fmt ') fmt = readFmt(view, body, size);
    else if (id === 'data') data = { at: body, size };
    at = body + size + (size & 1); // chunks are word-aligned
  }
  if (!fmt) throw corrupt('no fmt chunk before the data');
  if (!data) throw corrupt('no data chunk');
  if (fmt.channels < 1) throw corrupt('fmt chunk declares 0 channels');
  checkSampleRate(fmt.sampleRate, 'audio.sampleRate');
  const read = sampleReader(fmt, view);
  const bytesPerSample = fmt.bits / 8;
  const frameBytes = bytesPerSample * fmt.channels;
  if (fmt.blockAlign !== frameBytes) throw corrupt(`block align ${fmt.blockAlign} does not match ${fmt.channels} × ${fmt.bits}-bit samples`);
  if (data.size % frameBytes !== 0) throw corrupt(`data chunk of ${data.size} bytes is not a whole number of ${frameBytes}-byte frames (truncated file)`);
  const frames = data.size / frameBytes;
  const samples = new Float32Array(frames);
  for (let f = 0, o = data.at; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++, o += bytesPerSample) sum += read(o);
    samples[f] = sum / fmt.channels;
  }
  checkFinite(samples, 'audio.samples');
  return { samples, sampleRate: fmt.sampleRate };
}

/** Encodes one or more equal-length channels as a WAV file (pcm16 by default). */
export function encodeWavChannels(channels: readonly Float32Array[], sampleRate: number, format: WavSampleFormat = 'pcm16'): Uint8Array {
  checkSampleRate(sampleRate);
  if (channels.length === 0) throw new MlInputError('empty_input', 'channels', 'no channels to encode');
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) throw new MlInputError('bad_shape', 'channels', 'channels differ in length');
  const bits = format === 'pcm16' ? 16 : format === 'pcm24' ? 24 : 32;
  const bytesPerSample = bits / 8;
  const blockAlign = bytesPerSample * channels.length;
  const dataSize = frames * blockAlign;
  const out = new Uint8Array(44 + dataSize);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, format === 'float32' ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  ascii(36, 'data');
  view.setUint32(40, dataSize, true);
  const clamp = (v: number) => (v > 1 ? 1 : v < -1 ? -1 : v);
  let o = 44;
  for (let f = 0; f < frames; f++) {
    for (const ch of channels) {
      const v = ch[f];
      if (format === 'float32') view.setFloat32(o, v, true);
      else if (format === 'pcm16') view.setInt16(o, Math.round(clamp(v) * 32767), true);
      else if (format === 'pcm32') view.setInt32(o, Math.round(clamp(v) * 2147483647), true);
      else {
        const i = Math.round(clamp(v) * 8388607);
        out[o] = i & 0xff;
        out[o + 1] = (i >> 8) & 0xff;
        out[o + 2] = (i >> 16) & 0xff;
      }
      o += bytesPerSample;
    }
  }
  return out;
}

/** Encodes mono PCM as a WAV file (pcm16 by default). */
export function encodeWav(audio: PcmAudio, format: WavSampleFormat = 'pcm16'): Uint8Array {
  return encodeWavChannels([audio.samples], audio.sampleRate, format);
}
