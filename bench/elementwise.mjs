// Element-wise kernels against tfjs-backend-wasm on 1M floats: add (same shape
// and with a bias row broadcast), relu, sigmoid, exp, tanh; ours at 1 and 2
// threads. tfjs times the op and the disposal of its output (its backend
// allocates the output per call; ours writes into a block allocated once).
import { init, setThreads, alloc, f32View, binary, unary, backendInfo } from '@wasmml/kernels';
import { report, tfjs, time } from './harness.mjs';

const tf = await tfjs('wasm');
await init();
const maxThreads = backendInfo().requestedThreads;

const ROWS = 4096,
  COLS = 256,
  N = ROWS * COLS;

function fill(p, n, seed) {
  const v = f32View(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = (s / 2 ** 32 - 0.5) * 8;
  }
  return v.slice();
}

const a = alloc(N * 4),
  b = alloc(N * 4),
  bias = alloc(COLS * 4),
  out = alloc(N * 4);
const av = fill(a, N, 1),
  bv = fill(b, N, 2),
  biasv = fill(bias, COLS, 3);
const ta = tf.tensor2d(av, [ROWS, COLS]),
  tb = tf.tensor2d(bv, [ROWS, COLS]),
  tbias = tf.tensor1d(biasv);

const cases = [
  ['add 1M same shape', () => binary('add', 'float32', a, [ROWS, COLS], b, [ROWS, COLS], out, [ROWS, COLS]), () => tf.add(ta, tb)],
  [
    `add bias row [${ROWS},${COLS}]+[${COLS}]`,
    () => binary('add', 'float32', a, [ROWS, COLS], bias, [COLS], out, [ROWS, COLS]),
    () => tf.add(ta, tbias),
  ],
  ['relu 1M', () => unary('relu', 'float32', a, out, N), () => tf.relu(ta)],
  ['sigmoid 1M', () => unary('sigmoid', 'float32', a, out, N), () => tf.sigmoid(ta)],
  ['exp 1M', () => unary('exp', 'float32', a, out, N), () => tf.exp(ta)],
  ['tanh 1M', () => unary('tanh', 'float32', a, out, N), () => tf.tanh(ta)],
];

// The machine is shared: alternate ours and tfjs over a few rounds and keep
// the median of each, so a busy spell hits both sides alike.
const median = (v) => v.slice().sort((x, y) => x - y)[v.length >> 1];
for (const [name, ours, theirs] of cases) {
  for (const threads of [...new Set([1, maxThreads])]) {
    await setThreads(threads);
    const o = [],
      t = [];
    for (let round = 0; round < 5; round++) {
      t.push(time(() => theirs().dispose(), { minMs: 100 }));
      o.push(time(ours, { minMs: 100 }));
    }
    report(`${name} threads=${threads}`, median(o), median(t), { variant: backendInfo().variant });
  }
}
tf.dispose([ta, tb, tbias]);
process.exit(0);
