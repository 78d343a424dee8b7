/** Objective for `minimizeLbfgs`: writes the gradient into `grad` and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIterations?: number;
  /** Stop when ‖g‖∞ ≤ gradTol · max(1, |f|). Default 1e-6. */
  readonly gradTol?: number;
  /** History size. Default 10. */
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Limited-memory BFGS with a backtracking Armijo line search (small, dense problems). */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIt = options.maxIterations ?? 500;
  const tol = options.gradTol ?? 1e-6;
  const m = options.memory ?? 10;
  const d = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(d);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  const alpha = new Float64Array(m);
  let it = 0;
  for (; it < maxIt; it++) {
    if (normInf(g) <= tol * Math.max(1, Math.abs(fx))) return { x, value: fx, iterations: it, converged: true };
    // two-loop recursion: dir = −H g
    for (let j = 0; j < d; j++) dir[j] = -g[j];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let j = 0; j < d; j++) dir[j] *= gamma;
    } else {
      const scale = 1 / Math.max(1, normInf(g));
      for (let j = 0; j < d; j++) dir[j] *= scale;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], dir);
      axpy(alpha[k] - beta, S[k], dir);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // not a descent direction: restart from steepest descent
      for (let j = 0; j < d; j++) dir[j] = -g[j];
      slope = dot(g, dir);
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
    }
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let j = 0; j < d; j++) xNew[j] = x[j] + step * dir[j];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx) && !(fNew <= fx)) return { x, value: fx, iterations: it, converged: false };
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      s[j] = xNew[j] - x[j];
      y[j] = gNew[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (improvement >= 0 && improvement <= 1e-12 * Math.max(1, Math.abs(fx))) {
      return { x, value: fx, iterations: it + 1, converged: true };
    }
  }
  return { x, value: fx, iterations: it, converged: false };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
