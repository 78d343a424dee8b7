/**
 * Test fixture: writes small ONNX models as protobuf bytes by hand (no onnx package needed), so
 * the ONNX dir adapter is exercised on a real onnxruntime session.
 */
import { Rng } from '@frontier/platform-util';

// ------------------------------------------------------------------ protobuf wire format

type Field = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const intField = (no: number, v: number | bigint): Field => new Uint8Array([...varint(no << 3), ...varint(v)]);
const bytesField = (no: number, bytes: Uint8Array): Field => concat([new Uint8Array([...varint((no << 3) | 2), ...varint(bytes.length)]), bytes]);
const strField = (no: number, s: string): Field => bytesField(no, new TextEncoder().encode(s));
const msg = (...fields: Field[]): Uint8Array => concat(fields);

// ------------------------------------------------------------------ ONNX messages (onnx.proto3 field numbers)

const FLOAT = 1;
const INT64 = 7;

/** TensorProto with raw little-endian data. */
function tensor(name: string, dims: number[], data: Float32Array | BigInt64Array): Field {
  const type = data instanceof Float32Array ? FLOAT : INT64;
  return msg(...dims.map((d) => intField(1, d)), intField(2, type), strField(8, name), bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
}

/** ValueInfoProto with symbolic (string) or fixed (number) dims. */
function valueInfo(name: string, elemType: number, dims: Array<string | number>): Field {
  const shape = msg(...dims.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : strField(2, d))));
  return msg(strField(1, name), bytesField(2, msg(bytesField(1, msg(intField(1, elemType), bytesField(2, shape))))));
}

/** NodeProto; `attrs` are INT attributes. */
function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, number> = {}): Field {
  const a = Object.entries(attrs).map(([k, v]) => msg(strField(1, k), intField(3, v), intField(20, 2)));
  return msg(...inputs.map((i) => strField(1, i)), ...outputs.map((o) => strField(2, o)), strField(3, `${op}_${outputs[0]}`), strField(4, op), ...a.map((x) => bytesField(5, x)));
}

export interface TinyEncoderSpec {
  vocabSize: number;
  hidden: number;
  /** Declares and uses a `token_type_ids` input (BERT-style). */
  tokenTypes?: boolean;
  seed?: number;
}

/** Deterministic pseudo-random floats in [-1, 1) from the workspace's seeded PRNG. */
export function randomFloats(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.next() * 2 - 1;
  return out;
}

/**
 * A one-layer "encoder": token embedding (+ token-type embedding) plus a masked-mean context
 * vector, so every output token depends on the attention mask the way a transformer's would:
 *
 *   E = Gather(table, input_ids) [+ Gather(types, token_type_ids)]        [B, T, H]
 *   m = Unsqueeze(Cast(attention_mask, float), 2)                         [B, T, 1]
 *   ctx = ReduceSum(E * m, 1) / ReduceSum(m, 1)                           [B, 1, H]
 *   last_hidden_state = E + ctx                                           [B, T, H]
 *
 * Padding rows of E are non-zero, so pooling that ignores the mask (or a context that ignores
 * it) changes a sentence's vector when it is padded: the test catches exactly that.
 */
export function buildTinyEncoder(spec: TinyEncoderSpec): { bytes: Uint8Array; table: Float32Array; types?: Float32Array } {
  const { vocabSize: V, hidden: H } = spec;
  const table = randomFloats(V * H, spec.seed ?? 7);
  const nodes: Field[] = [];
  const inits: Field[] = [tensor('table', [V, H], table), tensor('axis2', [1], BigInt64Array.from([2n])), tensor('axis1', [1], BigInt64Array.from([1n]))];
  nodes.push(node('Gather', ['table', 'input_ids'], [spec.tokenTypes ? 'tok' : 'E'], { axis: 0 }));
  const types = spec.tokenTypes ? randomFloats(2 * H, (spec.seed ?? 7) + 1) : undefined;
  if (types) {
    inits.push(tensor('types', [2, H], types));
    nodes.push(node('Gather', ['types', 'token_type_ids'], ['typ'], { axis: 0 }));
    nodes.push(node('Add', ['tok', 'typ'], ['E']));
  }
  nodes.push(node('Cast', ['attention_mask'], ['maskf'], { to: FLOAT }));
  nodes.push(node('Unsqueeze', ['maskf', 'axis2'], ['m']));
  nodes.push(node('Mul', ['E', 'm'], ['Em']));
  nodes.push(node('ReduceSum', ['Em', 'axis1'], ['num'], { keepdims: 1 }));
  nodes.push(node('ReduceSum', ['m', 'axis1'], ['den'], { keepdims: 1 }));
  nodes.push(node('Div', ['num', 'den'], ['ctx']));
  nodes.push(node('Add', ['E', 'ctx'], ['last_hidden_state']));
  const ids = ['input_ids', 'attention_mask', ...(spec.tokenTypes ? ['token_type_ids'] : [])];
  const graph = msg(
    ...nodes.map((n) => bytesField(1, n)),
    strField(2, 'tiny_encoder'),
    ...inits.map((t) => bytesField(5, t)),
    ...ids.map((n) => bytesField(11, valueInfo(n, INT64, ['batch', 'seq']))),
    bytesField(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'seq', H])),
  );
  const opset = msg(strField(1, ''), intField(2, 13));
  const bytes = msg(intField(1, 8), strField(2, 'frontier-test'), bytesField(8, opset), bytesField(7, graph));
  return { bytes, table, types };
}
