import { init, setThreads, alloc, f32View, depthwiseConv2d, backendInfo } from '@wasmml/kernels';
import { time, tfjs } from './harness.mjs';
const tf = await tfjs('wasm');
await init();
await setThreads(1);
for (const [n, h, w, c, m] of [[8, 28, 28, 64, 1], [8, 56, 56, 32, 1], [8, 28, 28, 32, 2]]) {
const xS = [n, h, w, c], fS = [3, 3, c, m];
const x = alloc(n*h*w*c*4), f = alloc(9*c*m*4), y = alloc(n*h*w*c*m*4);
f32View(x, n*h*w*c).fill(0.5); f32View(f, 9*c*m).fill(0.25);
const tx = tf.randomUniform(xS), tfl = tf.randomUniform(fS);
const tms = time(() => { const r = tf.depthwiseConv2d(tx, tfl, 1, 'same'); r.dataSync(); r.dispose(); });
const ms = time(() => depthwiseConv2d(x, f, y, xS, fS, { pad: 'same' }), {reps: 100});
console.log(xS, m, ms, tms, (tms/ms).toFixed(2));
}
process.exit(0);
