// gruSequence against the same GRU composed from tfjs ops (tfjs-layers' GRUCell
// formulas, gates z, r, h): values and gradients for every input.
import { describe, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { compareOp, tf, type InputSpec } from './harness.js';
import { maskValues, recurrentCases, tfRecurrentActivation, type Rec } from './recurrent-cases.js';

function tfGru(
  x: tf.Tensor,
  W: tf.Tensor,
  U: tf.Tensor,
  b: tf.Tensor | null,
  h0: tf.Tensor,
  mask: tf.Tensor | null,
  goBackwards: boolean,
  rec: Rec,
): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  const u = h0.shape[1]!;
  const ra = tfRecurrentActivation(rec);
  const [uzr, uh] = tf.split(U, [2 * u, u], 1);
  let h = h0;
  const outs: tf.Tensor[] = [];
  for (let k = 0; k < T; k++) {
    const t = goBackwards ? T - 1 - k : k;
    let mx = tf.matMul(tf.reshape(tf.slice(x, [0, t, 0], [B, 1, -1]), [B, -1]), W);
    if (b) mx = tf.add(mx, b);
    const [xz, xr, xh] = tf.split(mx, 3, 1);
    const [rz, rr] = tf.split(tf.matMul(h, uzr!), 2, 1);
    const z = ra(tf.add(xz!, rz!)),
      r = ra(tf.add(xr!, rr!));
    const hh = tf.tanh(tf.add(xh!, tf.matMul(tf.mul(r, h), uh!)));
    let hn = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    if (mask) {
      const m = tf.reshape(tf.slice(mask, [0, t], [B, 1]), [B, 1]);
      hn = tf.add(tf.mul(hn, m), tf.mul(h, tf.sub(1, m)));
    }
    h = hn;
    outs.push(h);
  }
  return tf.concat([tf.reshape(tf.stack(outs, 1), [-1]), tf.reshape(h, [-1])]);
}

describe('gruSequence matches a GRU composed from tfjs ops', () => {
  for (const { B, T, F, u, rec, goBackwards, masked, useBias, title } of recurrentCases()) {
    it(title, () => {
      const specs: InputSpec[] = [
        { shape: [B, T, F], range: [-1.5, 1.5] },
        { shape: [F, 3 * u], range: [-0.8, 0.8] },
        { shape: [u, 3 * u], range: [-0.6, 0.6] },
        { shape: [3 * u], range: [-0.5, 0.5], grad: useBias },
        { shape: [B, u], range: [-1, 1] },
        { shape: [B, T], values: maskValues(B, T), grad: false },
      ];
      compareOp(
        'gruSequence',
        (x, W, U, b, h0, m) => {
          const [seq, h] = wm.gruSequence({
            x: x!,
            kernel: W!,
            recurrentKernel: U!,
            ...(useBias ? { bias: b! } : {}),
            initialState: h0!,
            ...(masked ? { mask: m! } : {}),
            goBackwards,
            recurrentActivation: rec,
          });
          return wm.concat([wm.reshape(seq, [-1]), wm.reshape(h, [-1])]);
        },
        (x, W, U, b, h0, m) => tfGru(x!, W!, U!, useBias ? b! : null, h0!, masked ? m! : null, goBackwards, rec),
        specs,
        { rtol: 1e-4, atol: 1e-5, gradRtol: 2e-3, gradAtol: 1e-4 },
      );
    });
  }
});
