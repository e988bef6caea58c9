import { init, setThreads, alloc, f32View, conv2d, conv2dBackpropInput, conv2dBackpropFilter } from '@wasmml/kernels';
import { time } from './harness.mjs';
await init(); await setThreads(1);
for (const [n, h, c, co] of [[32, 28, 32, 64], [8, 28, 32, 64], [32, 13, 32, 64], [32, 14, 64, 64]]) {
  const xS = [n, h, h, c], fS = [3, 3, c, co];
  const x = alloc(n*h*h*c*4), f = alloc(9*c*co*4), y = alloc(n*h*h*co*4), dx = alloc(n*h*h*c*4), dw = alloc(9*c*co*4);
  f32View(x, n*h*h*c).fill(0.5); f32View(f, 9*c*co).fill(0.25); f32View(y, n*h*h*co).fill(0.25);
  const flop = 2 * n * h * h * co * 9 * c;
  const r = (fn) => (flop / time(fn, {reps: 20}) / 1e6).toFixed(1);
  console.log(xS, co, 'fwd', r(() => conv2d(x, f, y, xS, fS, { pad: 'same' })), 'bin', r(() => conv2dBackpropInput(y, f, dx, xS, fS, { pad: 'same' })), 'bfl', r(() => conv2dBackpropFilter(x, y, dw, xS, fS, { pad: 'same' })));
}
process.exit(0);
