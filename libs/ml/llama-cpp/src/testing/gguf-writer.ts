/**
 * A minimal GGUF (v3) writer — enough to write a small llama-architecture model with F32 tensors
 * for tests. Layout (ggml's docs/gguf.md): header (magic, version, tensor count, metadata count),
 * metadata key/values, tensor infos (name, dims with ne0 first, type, offset), then the tensor
 * data, each tensor aligned to `general.alignment` (32 by default).
 */

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: readonly number[] }
  | { type: 'i32[]'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: ne0 (the contiguous dimension) first. */
  dims: readonly number[];
  data: Float32Array;
}

const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;
const GGML_TYPE_F32 = 0;
const ALIGN = 32;

class Sink {
  private readonly parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const n = (ALIGN - (this.length % ALIGN)) % ALIGN;
    if (n) this.push(Buffer.alloc(n));
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeValue(s: Sink, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      s.u32(T.UINT32);
      return s.u32(v.value);
    case 'i32':
      s.u32(T.INT32);
      return s.i32(v.value);
    case 'f32':
      s.u32(T.FLOAT32);
      return s.f32(v.value);
    case 'bool':
      s.u32(T.BOOL);
      return s.push(Buffer.from([v.value ? 1 : 0]));
    case 'string':
      s.u32(T.STRING);
      return s.str(v.value);
    case 'string[]':
      s.u32(T.ARRAY);
      s.u32(T.STRING);
      s.u64(v.value.length);
      return v.value.forEach((x) => s.str(x));
    case 'f32[]':
      s.u32(T.ARRAY);
      s.u32(T.FLOAT32);
      s.u64(v.value.length);
      return v.value.forEach((x) => s.f32(x));
    case 'i32[]':
      s.u32(T.ARRAY);
      s.u32(T.INT32);
      s.u64(v.value.length);
      return v.value.forEach((x) => s.i32(x));
  }
}

/** Serialises metadata and F32 tensors as one GGUF v3 file. */
export function writeGguf(metadata: Readonly<Record<string, GgufValue>>, tensors: readonly GgufTensor[]): Buffer {
  const s = new Sink();
  s.push(Buffer.from('GGUF', 'ascii'));
  s.u32(3);
  s.u64(tensors.length);
  s.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    s.str(key);
    writeValue(s, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims.join('x')} need ${count} values, got ${t.data.length}`);
    s.str(t.name);
    s.u32(t.dims.length);
    t.dims.forEach((d) => s.u64(d));
    s.u32(GGML_TYPE_F32);
    s.u64(offset);
    offset += Math.ceil((count * 4) / ALIGN) * ALIGN;
  }
  s.pad();
  for (const t of tensors) {
    s.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    s.pad();
  }
  return s.concat();
}
