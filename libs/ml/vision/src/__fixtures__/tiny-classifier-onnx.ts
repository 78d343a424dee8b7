/**
 * Test fixture: a tiny image classifier written directly as ONNX protobuf bytes
 * (GlobalAveragePool → Flatten → MatMul → Add → [Softmax]) with seeded random weights.
 */
import { Rng } from '@frontier/platform-util';

/** Protobuf field builders: each returns the encoded field (tag + payload). */
const enc = new TextEncoder();
function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const num = (field: number, v: number) => Uint8Array.from([...varint(field * 8), ...varint(v)]);
const len = (field: number, payload: Uint8Array | string) => {
  const body = typeof payload === 'string' ? enc.encode(payload) : payload;
  return join([Uint8Array.from([...varint(field * 8 + 2), ...varint(body.length)]), body]);
};

/** Seeded uniform floats in [-1, 1) (the workspace's seeded PRNG). */
export function seededFloats(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

export interface TinyClassifier {
  bytes: Uint8Array;
  /** [3, classes] row-major. */
  weights: Float32Array;
  bias: Float32Array;
}

/** Scores = softmax(mean over pixels of each channel · W + b), or the raw logits when `softmax` is false. */
export function buildTinyClassifier(classes: number, size: number, softmax = true, seed = 11): TinyClassifier {
  const weights = seededFloats(3 * classes, seed).map((v) => v * 4);
  const bias = seededFloats(classes, seed + 1);
  const floatTensor = (name: string, dims: number[], data: Float32Array) =>
    join([...dims.map((d) => num(1, d)), num(2, 1), len(8, name), len(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))]);
  const value = (name: string, dims: Array<number | string>) =>
    join([len(1, name), len(2, len(1, join([num(1, 1), len(2, join(dims.map((d) => len(1, typeof d === 'number' ? num(1, d) : len(2, d)))))])))]);
  const node = (op: string, inputs: string[], output: string) => join([...inputs.map((i) => len(1, i)), len(2, output), len(3, output), len(4, op)]);
  const out = softmax ? 'probs' : 'logits';
  const nodes = [
    node('GlobalAveragePool', ['pixel_values'], 'pooled'),
    node('Flatten', ['pooled'], 'flat'),
    node('MatMul', ['flat', 'W'], 'xw'),
    node('Add', ['xw', 'b'], 'logits'),
    ...(softmax ? [node('Softmax', ['logits'], 'probs')] : []),
  ];
  const graph = join([
    ...nodes.map((n) => len(1, n)),
    len(2, 'tiny_classifier'),
    len(5, floatTensor('W', [3, classes], weights)),
    len(5, floatTensor('b', [classes], bias)),
    len(11, value('pixel_values', ['batch', 3, size, size])),
    len(12, value(out, ['batch', classes])),
  ]);
  const bytes = join([num(1, 8), len(8, join([len(1, ''), num(2, 13)])), len(7, graph)]);
  return { bytes, weights, bias };
}
