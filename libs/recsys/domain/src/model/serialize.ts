import { TwoTowerModel, type TwoTowerConfig } from './two-tower';

/** "FTTM": Frontier two-tower model. */
const MAGIC = 0x4d545446;
export const MODEL_FORMAT_VERSION = 1;

/**
 * Versioned binary blob: magic u32 | format version u16 | reserved u16 | header length u32 |
 * JSON header (config, tensor names and sizes, metadata) | padding to 4 bytes | float32 tensors
 * (little-endian) in header order. Loading checks magic, version, names and sizes.
 */
export function serializeModel(model: TwoTowerModel, metadata: Record<string, string | number> = {}): Uint8Array {
  const params = model.params();
  const header = new TextEncoder().encode(
    JSON.stringify({ config: model.config, tensors: params.map((p) => ({ name: p.name, size: p.data.length })), metadata }),
  );
  const headerEnd = 12 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = dataStart + params.reduce((s, p) => s + 4 * p.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, MODEL_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let off = dataStart;
  for (const p of params) {
    for (let i = 0; i < p.data.length; i++, off += 4) view.setFloat32(off, p.data[i], true);
  }
  return out;
}

export interface LoadedModel {
  readonly model: TwoTowerModel;
  readonly metadata: Record<string, string | number>;
}

export function deserializeModel(blob: Uint8Array): LoadedModel {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('not a two-tower model blob (bad magic)');
  const version = view.getUint16(4, true);
  if (version !== MODEL_FORMAT_VERSION) throw new Error(`unsupported model format version ${version}`);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(blob.subarray(12, 12 + headerLength))) as {
    config: TwoTowerConfig;
    tensors: { name: string; size: number }[];
    metadata: Record<string, string | number>;
  };
  const model = new TwoTowerModel(header.config);
  const params = model.params();
  if (params.length !== header.tensors.length) throw new Error('tensor count does not match the config');
  let off = Math.ceil((12 + headerLength) / 4) * 4;
  params.forEach((p, t) => {
    const spec = header.tensors[t];
    if (spec.name !== p.name || spec.size !== p.data.length) throw new Error(`tensor ${t} mismatch: ${spec.name}/${spec.size}`);
    if (off + 4 * p.data.length > blob.byteLength) throw new Error('blob truncated');
    for (let i = 0; i < p.data.length; i++, off += 4) p.data[i] = view.getFloat32(off, true);
  });
  return { model, metadata: header.metadata };
}
