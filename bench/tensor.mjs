// The tensor API against tfjs-core on its wasm backend: per-op dispatch cost,
// matMul through the API versus the raw kernel, and one forward + backward
// pass of a 784-128-10 MLP on a batch of 32.
import * as wm from '@wasmml/tensor';
import { alloc, f32View, gemm } from '@wasmml/kernels';
import { report, tfjs, time, round } from './harness.mjs';

const tf = await tfjs('wasm');
await wm.ready();

// 1,000 small adds (32x32), results disposed as a loop would.
{
  const a = wm.randomUniform([32, 32]),
    b = wm.randomUniform([32, 32]);
  const ta = tf.randomUniform([32, 32]),
    tb = tf.randomUniform([32, 32]);
  const ours = time(() => {
    for (let i = 0; i < 1000; i++) wm.add(a, b).dispose();
  });
  const theirs = time(() => {
    for (let i = 0; i < 1000; i++) tf.add(ta, tb).dispose();
  });
  report('1000x add 32x32 (dispatch)', ours, theirs, { ours_us_per_op: round(ours, 3), tfjs_us_per_op: round(theirs, 3) });
  const ours2 = time(() => {
    for (let i = 0; i < 1000; i++) wm.relu(a).dispose();
  });
  const theirs2 = time(() => {
    for (let i = 0; i < 1000; i++) tf.relu(ta).dispose();
  });
  report('1000x relu 32x32 (dispatch)', ours2, theirs2);
  wm.dispose([a, b]);
  tf.dispose([ta, tb]);
}

// matMul through the API vs the raw kernel on the same sizes.
for (const n of [256, 1024]) {
  const a = wm.randomUniform([n, n]),
    b = wm.randomUniform([n, n]);
  const ta = tf.randomUniform([n, n]),
    tb = tf.randomUniform([n, n]);
  const pa = alloc(n * n * 4),
    pb = alloc(n * n * 4),
    pc = alloc(n * n * 4);
  f32View(pa, n * n).set(a.dataSync());
  f32View(pb, n * n).set(b.dataSync());
  const raw = time(() => gemm(pa, pb, pc, n, n, n));
  const ours = time(() => wm.matMul(a, b).dispose());
  const theirs = time(() => {
    const c = tf.matMul(ta, tb);
    c.dataSync();
    c.dispose();
  });
  report(`matMul ${n} via tensor API`, ours, theirs, {
    raw_kernel_ms: round(raw),
    api_over_kernel: round(ours / raw),
    gflops: round((2 * n ** 3) / ours / 1e6, 1),
  });
  wm.dispose([a, b]);
  tf.dispose([ta, tb]);
}

// One forward + backward pass of a 784-128-10 MLP, batch 32.
{
  const x = wm.randomUniform([32, 784]),
    y = wm.oneHot(
      wm.tensor(
        Array.from({ length: 32 }, (_, i) => i % 10),
        [32],
        'int32',
      ),
      10,
      1,
      0,
      'float32',
    );
  const w1 = wm.variable(wm.randomNormal([784, 128], 0, 0.05)),
    b1 = wm.variable(wm.zeros([128]));
  const w2 = wm.variable(wm.randomNormal([128, 10], 0, 0.05)),
    b2 = wm.variable(wm.zeros([10]));
  const f = () =>
    wm.mean(
      wm.softmaxCrossEntropyWithLogits(
        y,
        wm.fusedMatMul({ a: wm.fusedMatMul({ a: x, b: w1, bias: b1, activation: 'relu' }), b: w2, bias: b2 }),
      ),
    );
  const ours = time(() => {
    const r = wm.variableGrads(f, [w1, b1, w2, b2]);
    wm.dispose(r.grads);
    r.value.dispose();
  });
  const tx = tf.randomUniform([32, 784]),
    ty = tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: 32 }, (_, i) => i % 10),
          'int32',
        ),
        10,
      )
      .cast('float32');
  const tw1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05)),
    tb1 = tf.variable(tf.zeros([128]));
  const tw2 = tf.variable(tf.randomNormal([128, 10], 0, 0.05)),
    tb2 = tf.variable(tf.zeros([10]));
  const tfF = () => tf.losses.softmaxCrossEntropy(ty, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tx, tw1), tb1)), tw2), tb2));
  const theirs = time(() => {
    const r = tf.variableGrads(tfF, [tw1, tb1, tw2, tb2]);
    tf.dispose(r.grads);
    r.value.dispose();
  });
  report('MLP 784-128-10 fwd+bwd batch 32', ours, theirs);
}
process.exit(0);
