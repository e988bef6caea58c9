// Convolution and pooling at the seed CNN's shapes (batch 32, 'valid', stride 1):
// conv2d forward against tfjs-backend-wasm (XNNPACK); the two backprops against
// the tfjs cpu backend (tfjs-backend-wasm has Conv2DBackpropInput but no
// Conv2DBackpropFilter); max/avg pool 2x2 forward and backward and a depthwise
// 3x3 forward against tfjs-backend-wasm.
import {
  init,
  setThreads,
  alloc,
  free,
  f32View,
  backendInfo,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  conv2dGeometry,
  maxPool,
  maxPoolBackprop,
  avgPool,
  avgPoolBackprop,
  depthwiseConv2d,
} from '@wasmml/kernels';
import { report, tfjs, time as median, round } from './harness.mjs';

const tf = await tfjs('wasm');
await init();
const maxThreads = backendInfo().requestedThreads;
const threadCounts = [...new Set([1, maxThreads])];
const batch = 32;

// The machine is shared: take the best of a few medians (for ours and tfjs
// alike) so a burst of someone else's work does not decide a ratio.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
function time(fn, opts) {
  let best = Infinity;
  for (let r = 0; r < (opts?.rounds ?? rounds); r++) best = Math.min(best, median(fn, opts));
  return best;
}

function fill(p, n, seed) {
  const v = f32View(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
}

function arena(n, seed) {
  const p = alloc(n * 4);
  if (seed !== undefined) fill(p, n, seed);
  return p;
}

/** Times a tfjs op on `backend`, disposing its outputs; undefined when the backend lacks the kernel. */
async function timeTf(backend, fn, opts) {
  await tf.setBackend(backend);
  try {
    return time(() => {
      const out = fn();
      out.dataSync();
      out.dispose();
    }, opts);
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  }
}

/** Times ours at each thread count; `work` is flops (or, with unit 'gelems', elements). */
async function ours(name, work, fn, tfjsMs, extra = {}, unit = 'gflops') {
  for (const threads of threadCounts) {
    await setThreads(threads);
    const ms = time(fn);
    report(`${name} threads=${threads}`, ms, tfjsMs, {
      [unit]: round(work / ms / 1e6, 1),
      ...(tfjsMs ? { [`tfjs_${unit}`]: round(work / tfjsMs / 1e6, 1) } : {}),
      variant: backendInfo().variant,
      ...extra,
    });
  }
}

const cpuOpts = { reps: 3, warmup: 1, minMs: 0, rounds: 1 };
for (const [h, w, cin, cout] of [
  [28, 28, 1, 32],
  [13, 13, 32, 64],
  [32, 32, 3, 32],
]) {
  const xShape = [batch, h, w, cin],
    fShape = [3, 3, cin, cout];
  const g = conv2dGeometry(xShape, [3, 3], { pad: 'valid' });
  const xLen = batch * h * w * cin,
    yLen = batch * g.outHeight * g.outWidth * cout,
    fLen = 9 * cin * cout;
  const x = arena(xLen, 1),
    f = arena(fLen, 2),
    y = arena(yLen),
    dy = arena(yLen, 3),
    dx = arena(xLen),
    dw = arena(fLen);
  const flop = 2 * yLen * 9 * cin;
  const shape = `${batch}x${h}x${w}x${cin} -> ${cout} 3x3`;

  await tf.setBackend('wasm');
  const tx = tf.randomUniform(xShape),
    tfl = tf.randomUniform(fShape),
    tdy = tf.randomUniform([batch, g.outHeight, g.outWidth, cout]);
  const fwdMs = await timeTf('wasm', () => tf.conv2d(tx, tfl, 1, 'valid'));
  await ours(`conv2d ${shape}`, flop, () => conv2d(x, f, y, xShape, fShape), fwdMs, { tfjs_backend: 'wasm' });

  const binWasm = await timeTf('wasm', () => tf.conv2dTranspose(tdy, tfl, xShape, 1, 'valid'));
  const binCpu = await timeTf('cpu', () => tf.conv2dTranspose(tdy, tfl, xShape, 1, 'valid'), cpuOpts);
  await ours(`conv2dBackpropInput ${shape}`, flop, () => conv2dBackpropInput(dy, f, dx, xShape, fShape), binCpu, { tfjs_backend: 'cpu' });
  await ours(`conv2dBackpropInput ${shape}`, flop, () => conv2dBackpropInput(dy, f, dx, xShape, fShape), binWasm, { tfjs_backend: 'wasm' });

  const filterGrad = () =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: tx, dy: tdy },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: fShape },
      );
  const bflCpu = await timeTf('cpu', filterGrad, cpuOpts);
  const bflWasm = await timeTf('wasm', filterGrad);
  await ours(`conv2dBackpropFilter ${shape}`, flop, () => conv2dBackpropFilter(x, dy, dw, xShape, fShape), bflCpu, { tfjs_backend: 'cpu' });
  if (typeof bflWasm === 'number') {
    await ours(`conv2dBackpropFilter ${shape}`, flop, () => conv2dBackpropFilter(x, dy, dw, xShape, fShape), bflWasm, {
      tfjs_backend: 'wasm',
    });
  } else {
    report(`conv2dBackpropFilter ${shape} tfjs-backend-wasm`, NaN, undefined, {
      tfjs_backend: 'wasm',
      note: `tfjs-backend-wasm has no Conv2DBackpropFilter: ${bflWasm.error}`,
    });
  }
  await tf.setBackend('wasm');
  tf.dispose([tx, tfl, tdy]);
  for (const p of [x, f, y, dy, dx, dw]) free(p);
}

{
  const xShape = [batch, 26, 26, 32];
  const g = conv2dGeometry(xShape, 2, { strides: 2 });
  const xLen = batch * 26 * 26 * 32,
    yLen = batch * g.outHeight * g.outWidth * 32;
  const x = arena(xLen, 4),
    y = arena(yLen),
    dy = arena(yLen, 5),
    dx = arena(xLen);
  await tf.setBackend('wasm');
  const tx = tf.randomUniform(xShape),
    tdy = tf.randomUniform([batch, g.outHeight, g.outWidth, 32]);
  const ty = tf.maxPool(tx, 2, 2, 'valid');
  const fwdMs = await timeTf('wasm', () => tf.maxPool(tx, 2, 2, 'valid'));
  await ours(`maxPool 2x2 ${batch}x26x26x32`, xLen, () => maxPool(x, y, xShape, 2), fwdMs, { tfjs_backend: 'wasm' }, 'gelems');
  const bwdMs = await timeTf('wasm', () =>
    tf
      .engine()
      .runKernel(
        'MaxPoolGrad',
        { dy: tdy, input: tx, output: ty },
        { filterSize: 2, strides: 2, pad: 'valid', dimRoundingMode: undefined },
      ),
  );
  await ours(
    `maxPoolBackprop 2x2 ${batch}x26x26x32`,
    xLen,
    () => maxPoolBackprop(dy, x, dx, xShape, 2),
    bwdMs,
    { tfjs_backend: 'wasm' },
    'gelems',
  );
  const avgMs = await timeTf('wasm', () => tf.avgPool(tx, 2, 2, 'valid'));
  await ours(`avgPool 2x2 ${batch}x26x26x32`, xLen, () => avgPool(x, y, xShape, 2), avgMs, { tfjs_backend: 'wasm' }, 'gelems');
  const avgBwdMs = await timeTf('wasm', () =>
    tf.engine().runKernel('AvgPoolGrad', { dy: tdy, input: tx }, { filterSize: 2, strides: 2, pad: 'valid' }),
  );
  await ours(
    `avgPoolBackprop 2x2 ${batch}x26x26x32`,
    xLen,
    () => avgPoolBackprop(dy, dx, xShape, 2),
    avgBwdMs,
    { tfjs_backend: 'wasm' },
    'gelems',
  );
  tf.dispose([tx, tdy, ty]);
  for (const p of [x, y, dy, dx]) free(p);
}
{
  // Depthwise 3x3 'same' (MobileNet-style block), forward only: tfjs-backend-wasm has no depthwise backprops.
  const xShape = [batch, 28, 28, 64],
    fShape = [3, 3, 64, 1];
  const len = batch * 28 * 28 * 64;
  const x = arena(len, 6),
    f = arena(9 * 64, 7),
    y = arena(len);
  await tf.setBackend('wasm');
  const tx = tf.randomUniform(xShape),
    tfl = tf.randomUniform(fShape);
  const tfMs = await timeTf('wasm', () => tf.depthwiseConv2d(tx, tfl, 1, 'same'));
  await ours(
    `depthwiseConv2d 3x3 same ${batch}x28x28x64`,
    2 * len * 9,
    () => depthwiseConv2d(x, f, y, xShape, fShape, { pad: 'same' }),
    tfMs,
    { tfjs_backend: 'wasm' },
  );
  tf.dispose([tx, tfl]);
  for (const p of [x, f, y]) free(p);
}
process.exit(0);
