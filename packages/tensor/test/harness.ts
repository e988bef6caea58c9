// Differential testing against TensorFlow.js (tfjs-core on its cpu backend):
// the same random inputs through our op and tfjs's, values and gradients compared.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { expectClose, rng } from '@wasmml/test-utils';
import * as wm from '@wasmml/tensor';

await tf.setBackend('cpu');
export { tf };

export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
  /** Value range for random floats/ints (default [-2, 2]). */
  range?: [number, number];
  /** Explicit values instead of random ones. */
  values?: number[];
  /** Include in the gradient check (default: float32 inputs). */
  grad?: boolean;
}

export interface CompareOptions {
  rtol?: number;
  atol?: number;
  grad?: boolean;
  seed?: number;
  /** Gradient tolerance (defaults to value tolerance x 10). */
  gradRtol?: number;
  gradAtol?: number;
}

function randomValues(spec: InputSpec, r: () => number): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.values) return spec.values;
  const [lo, hi] = spec.range ?? [-2, 2];
  const dtype = spec.dtype ?? 'float32';
  return Array.from({ length: n }, () => {
    if (dtype === 'bool') return r() < 0.5 ? 0 : 1;
    const v = lo + (hi - lo) * r();
    return dtype === 'int32' ? Math.floor(v) : v;
  });
}

function ours(values: number[], spec: InputSpec): wm.Tensor {
  return wm.tensor(values, spec.shape, spec.dtype ?? 'float32');
}
function theirs(values: number[], spec: InputSpec): tf.Tensor {
  return tf.tensor(values, spec.shape, spec.dtype ?? 'float32');
}

/**
 * Runs our op and tfjs's on the same random inputs and checks shape, dtype and
 * values, then (for float inputs) the gradients of sum(op(x) * dy) for a random dy.
 */
export function compareOp(
  name: string,
  ourFn: (...xs: wm.Tensor[]) => wm.Tensor,
  tfFn: (...xs: tf.Tensor[]) => tf.Tensor,
  specs: InputSpec[],
  opts: CompareOptions = {},
): void {
  const r = rng(opts.seed ?? 7);
  const vals = specs.map((s) => randomValues(s, r));
  const rtol = opts.rtol ?? 1e-4,
    atol = opts.atol ?? 1e-5;
  const before = wm.memory().numTensors;
  wm.tidy(() => {
    const xs = vals.map((v, i) => ours(v, specs[i]!));
    const got = ourFn(...xs);
    const want = tf.tidy(() => tfFn(...vals.map((v, i) => theirs(v, specs[i]!))).dataSync());
    const wantT = tf.tidy(() => tfFn(...vals.map((v, i) => theirs(v, specs[i]!))));
    const ctx = `${name} on ${specs.map((s) => `[${s.shape}]${s.dtype ?? 'float32'}`).join(', ')}`;
    if (got.shape.join(',') !== wantT.shape.join(',')) {
      throw new Error(`${ctx}: shape [${got.shape}] != tfjs [${wantT.shape}]`);
    }
    if (got.dtype !== wantT.dtype) throw new Error(`${ctx}: dtype ${got.dtype} != tfjs ${wantT.dtype}`);
    expectClose(got.dataSync(), want, rtol, atol, ctx);
    const gradIdx = specs.map((s, i) => ((s.grad ?? (s.dtype ?? 'float32') === 'float32') ? i : -1)).filter((i) => i >= 0);
    if ((opts.grad ?? true) && gradIdx.length > 0 && got.dtype === 'float32') {
      const dyVals = randomValues({ shape: got.shape }, r);
      const ourG = wm.grads((...g: wm.Tensor[]) => {
        const full = xs.map((x, i) => (gradIdx.includes(i) ? g[gradIdx.indexOf(i)]! : x));
        return ourFn(...full);
      })(
        gradIdx.map((i) => xs[i]!),
        wm.tensor(dyVals, got.shape),
      );
      const tfG = tf.tidy(() => {
        const txs = vals.map((v, i) => theirs(v, specs[i]!));
        const fn = (...g: tf.Tensor[]) => {
          const full = txs.map((x, i) => (gradIdx.includes(i) ? g[gradIdx.indexOf(i)]! : x));
          return tfFn(...full);
        };
        return tf
          .grads(fn)(
            gradIdx.map((i) => txs[i]!),
            tf.tensor(dyVals, got.shape),
          )
          .map((t) => t.dataSync());
      });
      ourG.forEach((g, k) => {
        expectClose(
          g.dataSync(),
          tfG[k]!,
          opts.gradRtol ?? rtol * 10,
          opts.gradAtol ?? atol * 10,
          `${ctx}: gradient wrt input ${gradIdx[k]}`,
        );
      });
    }
    tf.dispose(wantT);
  });
  const after = wm.memory().numTensors;
  if (after !== before) throw new Error(`${name}: leaked ${after - before} tensors`);
}

/**
 * Checks our gradient of sum(f(x) * dy) against central finite differences,
 * for ops tfjs has no gradient for. Suited to smooth ops on small inputs.
 */
export function checkGradNumeric(
  name: string,
  f: (x: wm.Tensor) => wm.Tensor,
  shape: number[],
  opts: { eps?: number; tol?: number; seed?: number; range?: [number, number] } = {},
): void {
  const r = rng(opts.seed ?? 3);
  const eps = opts.eps ?? 1e-2,
    tol = opts.tol ?? 2e-2;
  const xv = randomValues({ shape, ...(opts.range ? { range: opts.range } : {}) }, r);
  wm.tidy(() => {
    const y0 = f(wm.tensor(xv, shape));
    const dy = randomValues({ shape: y0.shape }, r);
    const dyT = wm.tensor(dy, y0.shape);
    const g = wm
      .grad((x) => f(x))(wm.tensor(xv, shape), dyT)
      .dataSync();
    const obj = (v: number[]) => {
      const y = f(wm.tensor(v, shape)).dataSync();
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i]! * dy[i]!;
      return s;
    };
    for (let i = 0; i < xv.length; i++) {
      const p = [...xv],
        m = [...xv];
      p[i]! += eps;
      m[i]! -= eps;
      const num = (obj(p) - obj(m)) / (2 * eps);
      if (Math.abs(num - g[i]!) > tol * Math.max(1, Math.abs(num))) {
        throw new Error(`${name}: gradient at ${i} is ${g[i]}, finite differences give ${num}`);
      }
    }
  });
}
