export type Pooling = 'mean' | 'cls';

/**
 * Pools token vectors `hidden` [B, T, H] (row-major) into one vector per row: `mean` averages
 * the tokens whose `mask` is 1 (padding never counts), `cls` takes token 0.
 */
export function poolTokens(hidden: Float32Array, dims: readonly [number, number, number], mask: ArrayLike<number | bigint>, pooling: Pooling): Float32Array[] {
  const [B, T, H] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < B; b++) {
    const v = new Float32Array(H);
    if (pooling === 'cls') {
      v.set(hidden.subarray(b * T * H, b * T * H + H));
    } else {
      let n = 0;
      for (let t = 0; t < T; t++) {
        if (Number(mask[b * T + t]) === 0) continue;
        n++;
        const base = (b * T + t) * H;
        for (let h = 0; h < H; h++) v[h] += hidden[base + h];
      }
      if (n > 0) for (let h = 0; h < H; h++) v[h] /= n;
    }
    out.push(v);
  }
  return out;
}
