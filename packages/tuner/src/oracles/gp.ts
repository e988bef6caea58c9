// A small Gaussian-process regressor for Bayesian optimisation: a Matérn 5/2
// kernel on the unit hypercube, observations standardised, the length scale
// picked by log marginal likelihood over a grid, solved with a Cholesky factor.
// The search space rarely has more than a handful of dimensions and a few
// dozen points, so plain arrays beat tensors here (no kernel launches).

/** Matérn 5/2 covariance of two points at length scale `ell` (unit amplitude). */
export function matern52(a: readonly number[], b: readonly number[], ell: number): number {
  let d2 = 0;
  for (let i = 0; i < a.length; i++) d2 += (a[i]! - b[i]!) ** 2;
  const r = Math.sqrt(5 * d2) / ell;
  return (1 + r + (r * r) / 3) * Math.exp(-r);
}

/** Lower-triangular L with L Lᵀ = A (row-major n×n); throws when A is not positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

/** Solves L x = b (forward substitution). */
function forward(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solves Lᵀ x = b (back substitution). */
function backward(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Length scales tried when fitting (the unit cube's diagonal is about √d). */
export const LENGTH_SCALES = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2];

/** The posterior at a point. */
export interface Posterior {
  /** Posterior mean. */
  mean: number;
  /** Posterior standard deviation. */
  std: number;
}

/** A fitted GP: posterior mean and standard deviation at new points, in the units of y. */
export class GaussianProcess {
  private l!: Float64Array;
  private alpha!: Float64Array;
  private mean = 0;
  private std = 1;
  /** The length scale chosen by marginal likelihood (or given). */
  ell = 1;

  /**
   * @param x Observed points in [0, 1]^d.
   * @param y Observed values.
   * @param noise Variance added to the diagonal (of standardised y).
   * @param ell A fixed length scale; by default the best of {@link LENGTH_SCALES}.
   */
  constructor(
    private readonly x: number[][],
    y: readonly number[],
    readonly noise = 1e-6,
    ell?: number,
  ) {
    if (x.length === 0 || x.length !== y.length)
      throw new Error(`GaussianProcess: need as many points as values (at least one), got ${x.length} and ${y.length}`);
    this.mean = y.reduce((a, b) => a + b, 0) / y.length;
    const v = y.reduce((a, b) => a + (b - this.mean) ** 2, 0) / y.length;
    this.std = v > 0 ? Math.sqrt(v) : 1;
    const ys = y.map((t) => (t - this.mean) / this.std);
    let best = -Infinity;
    for (const e of ell === undefined ? LENGTH_SCALES : [ell]) {
      const fit = this.factor(ys, e);
      if (fit && fit.logLik > best) [best, this.ell, this.l, this.alpha] = [fit.logLik, e, fit.l, fit.alpha];
    }
    if (best === -Infinity) throw new Error('GaussianProcess: the kernel matrix is singular for every length scale');
  }

  /** Cholesky factor, weights and log marginal likelihood at length scale e (undefined when singular). */
  private factor(ys: number[], e: number): { l: Float64Array; alpha: Float64Array; logLik: number } | undefined {
    const n = this.x.length;
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] = matern52(this.x[i]!, this.x[j]!, e) + (i === j ? this.noise : 0);
    let l: Float64Array;
    try {
      l = cholesky(k, n);
    } catch {
      return undefined;
    }
    const alpha = backward(l, n, forward(l, n, ys));
    let logLik = -0.5 * ys.reduce((s, t, i) => s + t * alpha[i]!, 0) - 0.5 * n * Math.log(2 * Math.PI);
    for (let i = 0; i < n; i++) logLik -= Math.log(l[i * n + i]!);
    return { l, alpha, logLik };
  }

  /** Posterior mean and standard deviation at `p`. */
  predict(p: readonly number[]): Posterior {
    const n = this.x.length;
    const kx = this.x.map((q) => matern52(q, p, this.ell));
    let mu = 0;
    for (let i = 0; i < n; i++) mu += kx[i]! * this.alpha[i]!;
    const v = forward(this.l, n, kx);
    let s2 = 1;
    for (let i = 0; i < n; i++) s2 -= v[i]! * v[i]!;
    return { mean: this.mean + this.std * mu, std: this.std * Math.sqrt(Math.max(s2, 0)) };
  }
}

/** Standard normal density. */
function pdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Expected improvement over `best` of a value to be maximised, N(mean, std²) at the point. */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0.01): number {
  if (std <= 0) return Math.max(mean - best - xi, 0);
  const z = (mean - best - xi) / std;
  return (mean - best - xi) * normalCdf(z) + std * pdf(z);
}
