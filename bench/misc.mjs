// Reductions, softmax, transpose, gather / segment sum and the fused Adam step
// against tfjs-backend-wasm, at 1 thread and at the pool's size. tfjs is timed
// on the op alone (result disposed, not read back), the stricter comparison.
import * as tf from '@tensorflow/tfjs-core';
import {
  init,
  setThreads,
  alloc,
  f32View,
  i32View,
  backendInfo,
  reduce,
  softmax,
  transpose,
  gather,
  unsortedSegmentSum,
  applyOptimizer,
} from '@wasmml/kernels';
import { report, tfjs, time } from './harness.mjs';

await tfjs('wasm');
await init();
const maxThreads = backendInfo().requestedThreads;
const threadCounts = [...new Set([1, maxThreads])];

function fill(p, n, seed, scale = 1) {
  const v = f32View(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return v;
}
function floats(n, seed, scale) {
  const p = alloc(n * 4);
  fill(p, n, seed, scale);
  return p;
}
function zeros(n) {
  const p = alloc(n * 4);
  f32View(p, n).fill(0);
  return p;
}
function ints(n, hi, seed) {
  const p = alloc(n * 4);
  const v = i32View(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = s % hi;
  }
  return p;
}
/** Times ours at each thread count against one tfjs time. */
async function compare(name, ours, tfMs, extra = {}) {
  for (const threads of threadCounts) {
    await setThreads(threads);
    report(`${name} threads=${threads}`, time(ours), tfMs, { ...extra, variant: backendInfo().variant });
  }
}
const tfTime = (fn) => time(() => tf.dispose(fn()));

// sum over 1M floats
{
  const n = 1 << 20;
  const x = floats(n, 1),
    out = alloc(16);
  const t = tf.tensor1d(f32View(x, n).slice());
  await compare(
    'sum 1M',
    () => reduce('sum', x, out, [n], [0]),
    tfTime(() => tf.sum(t)),
  );
  t.dispose();
}

// softmax 256x1000
{
  const r = 256,
    n = 1000;
  const x = floats(r * n, 2, 8),
    y = alloc(r * n * 4);
  const t = tf.tensor2d(f32View(x, r * n).slice(), [r, n]);
  await compare(
    'softmax 256x1000',
    () => softmax(x, y, r, n),
    tfTime(() => tf.softmax(t)),
  );
  t.dispose();
}

// transpose 1024x1024
{
  const n = 1024;
  const x = floats(n * n, 3),
    y = alloc(n * n * 4);
  const t = tf.tensor2d(f32View(x, n * n).slice(), [n, n]);
  await compare(
    'transpose 1024x1024',
    () => transpose(x, y, [n, n], [1, 0]),
    tfTime(() => tf.transpose(t)),
  );
  t.dispose();
}

// gather 32x200 ids from a 10000x256 table, and the segment sum of the same rows (its gradient)
{
  const rows = 10000,
    dim = 256,
    b = 32,
    len = 200,
    n = b * len;
  const table = floats(rows * dim, 4),
    ids = ints(n, rows, 5),
    y = alloc(n * dim * 4),
    grad = alloc(rows * dim * 4);
  const tt = tf.tensor2d(f32View(table, rows * dim).slice(), [rows, dim]);
  const ti = tf.tensor2d(i32View(ids, n).slice(), [b, len], 'int32');
  await compare(
    'gather 32x200 from 10000x256',
    () => gather(table, ids, y, [rows, dim], [b, len], 0),
    tfTime(() => tf.gather(tt, ti)),
  );
  const dy = floats(n * dim, 6);
  const registered = tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined;
  const segMs = registered
    ? tfTime(() => tf.unsortedSegmentSum(tf.tensor2d(f32View(dy, n * dim).slice(), [n, dim]), ti.reshape([n]), rows))
    : undefined;
  await compare(
    'unsortedSegmentSum 6400x256 -> 10000x256',
    () => unsortedSegmentSum(dy, ids, grad, n, dim, rows),
    segMs,
    registered ? {} : { tfjs_note: 'UnsortedSegmentSum is not registered in tfjs-backend-wasm (embedding gradients fail there)' },
  );
  tf.dispose([tt, ti]);
}

// one fused Adam step over the 784-128-10 MLP parameters (W1, b1, W2, b2)
{
  const sizes = [784 * 128, 128, 128 * 10, 10];
  const shapes = [[784, 128], [128], [128, 10], [10]];
  const params = sizes.map((n, i) => ({
    param: floats(n, 10 + i, 0.1),
    grad: floats(n, 20 + i, 0.01),
    size: n,
    slots: [zeros(n), zeros(n)],
  }));
  let step = 0;
  const vars = params.map((p, i) => tf.variable(tf.tensor(f32View(p.param, p.size).slice(), shapes[i]), true, `mlp${i}`));
  const grads = params.map((p, i) => tf.tensor(f32View(p.grad, p.size).slice(), shapes[i]));
  const opt = tf.train.adam(0.001);
  const named = vars.map((v, i) => ({ name: v.name, tensor: grads[i] }));
  const tfMs = time(() => opt.applyGradients(named));
  await compare(
    'adam step, 784-128-10 MLP (101,770 params)',
    () => applyOptimizer(params, { type: 'adam', learningRate: 0.001, step: ++step }),
    tfMs,
  );
}
process.exit(0);
