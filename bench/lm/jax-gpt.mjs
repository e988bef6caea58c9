// The bench GPT written for jax-js, as a jax-js user would: the same shapes as
// @wasmml/nlp's gpt() (token + learned position embeddings, pre-norm blocks
// with LayerNorm, causal multi-head attention, tanh-GELU MLP 4x, final
// LayerNorm, logits through the tied token embedding), parameters as a flat
// list, and one jitted training step (valueAndGrad of the mean sparse
// cross-entropy, then Adam) like ../api/jax-models.mjs. Attention is composed
// from matmul, where and softmax (what jax-js's own nn.dotProductAttention
// does, through einsum): its einsum parser calls Iterator.prototype.map on
// String.matchAll's result, which Node 20 does not have (Node 22 does).
// jax-js arrays are reference counted: every use but the last takes `.ref`.
import { jit, nn, numpy as np } from '@jax-js/jax';
import { jaxAdamUpdate } from '../jax-adam.mjs';

/** Values of spread `std` from a small LCG (uniform; the bench only times, the values only need to be sane). */
function values(n, std, seed) {
  let s = seed >>> 0;
  const a = std * Math.sqrt(3);
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * a;
  });
}

/** [shape, init] of each weight, in the order `logits` takes them; init is a stddev, 'ones' or 'zeros'. */
function shapes({ vocabSize: V, contextLength: T, layers, dim: d }) {
  const f = 4 * d,
    resid = 0.02 / Math.sqrt(2 * layers);
  const norm = [
    [[d], 'ones'],
    [[d], 'zeros'],
  ];
  const block = [
    ...norm,
    [[d, 3 * d], 0.02],
    [[3 * d], 'zeros'],
    [[d, d], resid],
    [[d], 'zeros'],
    ...norm,
    [[d, f], 0.02],
    [[f], 'zeros'],
    [[f, d], resid],
    [[d], 'zeros'],
  ];
  return [[[V, d], 0.02], [[T, d], 0.01], ...Array.from({ length: layers }, () => block).flat(), ...norm];
}

const layerNorm = (x, g, b) => nn.standardize(x, -1, { epsilon: 1e-5 }).mul(g).add(b);
const dense = (x, w, b) => np.matmul(x, w).add(b);

/** Logits [B, T, V] of ids [B, T] (int32); T must be the context length (the positions are added whole). */
function logits(spec, p, ids) {
  const [B, T] = ids.shape,
    d = spec.dim,
    H = spec.heads;
  let i = 0;
  const next = () => p[i++];
  const wte = next();
  let h = np.take(wte.ref, ids, 0).add(next());
  for (let l = 0; l < spec.layers; l++) {
    const qkv = dense(layerNorm(h.ref, next(), next()), next(), next());
    const [q, k, v] = np.split(qkv, 3, -1).map((z) => z.reshape([B, T, H, d / H]).transpose([0, 2, 1, 3]));
    const scores = np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(d / H));
    const probs = nn.softmax(np.where(np.tri(T, T, 0, { dtype: np.bool }), scores, -Infinity), -1);
    const a = np.matmul(probs, v).transpose([0, 2, 1, 3]).reshape([B, T, d]);
    h = h.add(dense(a, next(), next()));
    const m = dense(nn.gelu(dense(layerNorm(h.ref, next(), next()), next(), next())), next(), next());
    h = h.add(m);
  }
  const x = layerNorm(h, next(), next());
  return np.matmul(x, wte.transpose());
}

function loss(spec, p, ids, y) {
  const lp = nn.logSoftmax(logits(spec, p, ids), -1);
  return np.negative(nn.oneHot(y, spec.vocabSize).mul(lp).sum(-1).mean());
}

/**
 * A jax-js GPT of `spec` ({vocabSize, contextLength, layers, heads, dim, seed}): `step(ids, targets)` runs one jitted
 * Adam step (lr 3e-4) and returns the loss as an array (the arguments are consumed); `generateNoCache(prompt, n)`
 * makes n greedy ids with a full forward per id, the sequence padded to the context length so one compiled shape
 * serves every step (jit compiles once per input shape; the causal mask keeps the padding out); `parameterCount`
 * counts the weights; `dispose()` frees the weights and the Adam state.
 */
export function jaxGpt(spec) {
  const seed = spec.seed ?? 1;
  let params = shapes(spec).map(([shape, init], i) => {
    if (init === 'ones') return np.ones(shape);
    if (init === 'zeros') return np.zeros(shape);
    return np.array(values(shape[0] * shape[1], init, seed * 7919 + i)).reshape(shape);
  });
  const parameterCount = params.reduce((n, p) => n + p.size, 0);
  let m = params.map((p) => np.zeros(p.shape)),
    v = params.map((p) => np.zeros(p.shape));
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-7,
    lr = 3e-4;
  const update = jaxAdamUpdate((q, x, y) => loss(spec, q, x, y), b1, b2, eps);
  const forward = jit((p, ids) => logits(spec, p, ids));
  let t = 0;
  return {
    parameterCount,
    generateNoCache(prompt, n) {
      const T = spec.contextLength,
        V = spec.vocabSize;
      if (prompt.length + n > T) throw new Error(`jaxGpt: ${prompt.length + n} positions exceed the context ${T}`);
      const seq = Int32Array.from({ length: T }, (_, i) => prompt[i] ?? 0);
      for (let len = prompt.length; len < prompt.length + n; len++) {
        const out = forward(
          params.map((q) => q.ref),
          np.array(seq, { dtype: np.int32 }).reshape([1, T]),
        ).dataSync();
        const last = out.subarray((len - 1) * V, len * V);
        let best = 0;
        for (let j = 1; j < V; j++) if (last[j] > last[best]) best = j;
        seq[len] = best;
      }
      return Array.from(seq.subarray(prompt.length, prompt.length + n));
    },
    step(ids, y) {
      t++;
      const lrT = np.array(lr * (Math.sqrt(1 - b2 ** t) / (1 - b1 ** t)));
      const [value, p, ms, vs] = update(params, m, v, ids, y, lrT);
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
