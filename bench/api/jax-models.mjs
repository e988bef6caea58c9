// The seed MLP and CNN written for jax-js (jit + valueAndGrad, Adam in the same
// jitted step), as a jax-js user would: parameters as a flat list, NCHW images
// (jax-js convolutions take channels first), softmax cross-entropy on logits.
// jax-js arrays are reference counted: every use but the last takes `.ref`.
import { jit, lax, nn, numpy as np } from '@jax-js/jax';
import { jaxAdamUpdate } from '../jax-adam.mjs';

/** Glorot-uniform-like values from a small LCG (the bench only times; the values only need to be sane). */
function uniform(n, scale, seed) {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}
const param = (shape, fanIn, seed) =>
  np
    .array(
      uniform(
        shape.reduce((a, b) => a * b, 1),
        Math.sqrt(6 / fanIn),
        seed,
      ),
    )
    .reshape(shape);
const zeros = (shape) => np.zeros(shape);

/** Parameter shapes, in order, of the MLP (784-128-10) or the CNN (conv32 3x3, pool 2, dense 128, dense 10). */
function shapes(kind) {
  return kind === 'mlp'
    ? [
        [[784, 128], 784],
        [[128], 0],
        [[128, 10], 128],
        [[10], 0],
      ]
    : [
        [[32, 1, 3, 3], 9],
        [[1, 32, 1, 1], 0],
        [[13 * 13 * 32, 128], 13 * 13 * 32],
        [[128], 0],
        [[128, 10], 128],
        [[10], 0],
      ];
}

/** Logits of a batch ([B, 784] for the MLP, [B, 1, 28, 28] for the CNN). */
function logits(kind, p, x) {
  if (kind === 'mlp') {
    const h = nn.relu(np.matmul(x, p[0]).add(p[1]));
    return np.matmul(h, p[2]).add(p[3]);
  }
  const c = nn.relu(lax.conv(x, p[0], [1, 1], 'VALID').add(p[1]));
  const pooled = lax.reduceWindow(c, np.max, [1, 1, 2, 2], [1, 1, 2, 2]);
  const flat = pooled.reshape([pooled.shape[0], -1]);
  const h = nn.relu(np.matmul(flat, p[2]).add(p[3]));
  return np.matmul(h, p[4]).add(p[5]);
}

function loss(kind, p, x, y) {
  const lp = nn.logSoftmax(logits(kind, p, x), -1);
  return np.negative(nn.oneHot(y, 10).mul(lp).sum(-1).mean());
}

/**
 * A jax-js model of `kind`: `predict(x)` (softmax probabilities) and `step(x, y)` (one Adam step, lr 1e-3, returning
 * the loss as an array), both jitted; `dispose()` frees the parameters and the Adam state.
 */
export function jaxModel(kind) {
  let params = shapes(kind).map(([s, fanIn], i) => (fanIn ? param(s, fanIn, 11 + i) : zeros(s)));
  let m = params.map((p) => zeros(p.shape)),
    v = params.map((p) => zeros(p.shape));
  const forward = jit((p, x) => nn.softmax(logits(kind, p, x), -1));
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-7,
    lr = 1e-3;
  const update = jaxAdamUpdate((q, x, y) => loss(kind, q, x, y), b1, b2, eps);
  let t = 0;
  return {
    predict: (x) =>
      forward(
        params.map((q) => q.ref),
        x,
      ),
    step(x, y) {
      t++;
      const lrT = np.array(lr * (Math.sqrt(1 - b2 ** t) / (1 - b1 ** t)));
      const [value, p, ms, vs] = update(params, m, v, x, y, lrT);
      params = p;
      m = ms;
      v = vs;
      return value;
    },
    dispose() {
      for (const a of [...params, ...m, ...v]) a.dispose();
    },
  };
}

/** A jax-js array of float32 values with a shape. */
export const jaxArray = (values, shape) => np.array(values).reshape(shape);
/** A jax-js int32 array. */
export const jaxInts = (values, shape) => np.array(values, { dtype: np.int32 }).reshape(shape);
