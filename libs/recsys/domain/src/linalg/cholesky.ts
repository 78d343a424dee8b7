/**
 * Solves A X = B for a symmetric positive-definite A (d×d, row-major) and B (d×m, row-major) by
 * Cholesky factorisation. Returns X (d×m). Throws if A is not positive definite.
 */
export function solveSpd(a: Float64Array, d: number, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('matrix is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < d; i++) {
      let s = x[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * d + k] * x[k * m + c];
      x[i * m + c] = s / l[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = x[i * m + c];
      for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k * m + c];
      x[i * m + c] = s / l[i * d + i];
    }
  }
  return x;
}
