// lstmSequence against the same LSTM composed from tfjs ops (tfjs-layers'
// formulas, gate order i, f, c, o): values and gradients for every input.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { compareOp, tf, type InputSpec } from './harness.js';
import { maskValues, recurrentCases, tfRecurrentActivation, type Rec } from './recurrent-cases.js';

function tfLstm(
  x: tf.Tensor,
  W: tf.Tensor,
  U: tf.Tensor,
  b: tf.Tensor | null,
  h0: tf.Tensor,
  c0: tf.Tensor,
  mask: tf.Tensor | null,
  goBackwards: boolean,
  rec: Rec,
): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  const ra = tfRecurrentActivation(rec);
  let h = h0,
    c = c0;
  const outs: tf.Tensor[] = [];
  for (let k = 0; k < T; k++) {
    const t = goBackwards ? T - 1 - k : k;
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, -1]), [B, -1]);
    let z = tf.add(tf.matMul(xt, W), tf.matMul(h, U));
    if (b) z = tf.add(z, b);
    const [zi, zf, zc, zo] = tf.split(z, 4, 1);
    let cn = tf.add(tf.mul(ra(zf!), c), tf.mul(ra(zi!), tf.tanh(zc!)));
    let hn = tf.mul(ra(zo!), tf.tanh(cn));
    if (mask) {
      const m = tf.reshape(tf.slice(mask, [0, t], [B, 1]), [B, 1]);
      cn = tf.add(tf.mul(cn, m), tf.mul(c, tf.sub(1, m)));
      hn = tf.add(tf.mul(hn, m), tf.mul(h, tf.sub(1, m)));
    }
    h = hn;
    c = cn;
    outs.push(h);
  }
  const seq = T > 0 ? tf.stack(outs, 1) : tf.zeros([B, 0, h0.shape[1]!]);
  return tf.concat([tf.reshape(seq, [-1]), tf.reshape(h, [-1]), tf.reshape(c, [-1])]);
}

function ourLstm(
  x: wm.Tensor,
  W: wm.Tensor,
  U: wm.Tensor,
  b: wm.Tensor | null,
  h0: wm.Tensor,
  c0: wm.Tensor,
  mask: wm.Tensor | null,
  goBackwards: boolean,
  rec: Rec,
): wm.Tensor {
  const [seq, h, c] = wm.lstmSequence({
    x,
    kernel: W,
    recurrentKernel: U,
    ...(b ? { bias: b } : {}),
    initialState: [h0, c0],
    ...(mask ? { mask } : {}),
    goBackwards,
    recurrentActivation: rec,
  });
  return wm.concat([wm.reshape(seq, [-1]), wm.reshape(h, [-1]), wm.reshape(c, [-1])]);
}

describe('lstmSequence matches an LSTM composed from tfjs ops', () => {
  for (const { B, T, F, u, rec, goBackwards, masked, useBias, title } of recurrentCases()) {
    it(title, () => {
      const specs: InputSpec[] = [
        { shape: [B, T, F], range: [-1.5, 1.5] },
        { shape: [F, 4 * u], range: [-0.8, 0.8] },
        { shape: [u, 4 * u], range: [-0.6, 0.6] },
        { shape: [4 * u], range: [-0.5, 0.5], grad: useBias },
        { shape: [B, u], range: [-1, 1] },
        { shape: [B, u], range: [-1, 1] },
        { shape: [B, T], values: maskValues(B, T), grad: false },
      ];
      compareOp(
        'lstmSequence',
        (x, W, U, b, h0, c0, m) => ourLstm(x!, W!, U!, useBias ? b! : null, h0!, c0!, masked ? m! : null, goBackwards, rec),
        (x, W, U, b, h0, c0, m) => tfLstm(x!, W!, U!, useBias ? b! : null, h0!, c0!, masked ? m! : null, goBackwards, rec),
        specs,
        { rtol: 1e-4, atol: 1e-5, gradRtol: 2e-3, gradAtol: 1e-4 },
      );
    });
  }

  it('zero initial state by default, boolean masks, and no leaks outside gradients', () => {
    const x = wm.randomUniform([2, 3, 2], -1, 1, 'float32', 1);
    const W = wm.randomUniform([2, 8], -1, 1, 'float32', 2),
      U = wm.randomUniform([2, 8], -1, 1, 'float32', 3);
    const before = wm.memory().numTensors;
    const made = [
      wm.tensor([
        [true, false, true],
        [true, true, true],
      ]),
      wm.zeros([2, 2]),
      wm.zeros([2, 2]),
      wm.tensor([
        [1, 0, 1],
        [1, 1, 1],
      ]),
    ];
    const ra = wm.lstmSequence({ x, kernel: W, recurrentKernel: U, mask: made[0]! });
    const rb = wm.lstmSequence({ x, kernel: W, recurrentKernel: U, initialState: [made[1]!, made[2]!], mask: made[3]! });
    const a = ra[0],
      b = rb[0];
    expect(Array.from(a!.dataSync())).toEqual(Array.from(b!.dataSync()));
    // Masked step 1 of row 0 repeats step 0.
    const v = a!.arraySync() as number[][][];
    expect(v[0]![1]).toEqual(v[0]![0]);
    wm.dispose([...ra, ...rb, ...made]);
    // Outside a gradient the op keeps nothing but its outputs.
    expect(wm.memory().numTensors).toBe(before);
  });

  it('errors name the op and the shapes', () => {
    const x = wm.zeros([2, 3, 4]);
    expect(() => wm.lstmSequence({ x, kernel: wm.zeros([4, 7]), recurrentKernel: wm.zeros([2, 8]) })).toThrow(
      /lstmSequence: kernel must be float32 \[4, 8\].*\[4,7\]/,
    );
    expect(() => wm.lstmSequence({ x, kernel: wm.zeros([4, 8]), recurrentKernel: wm.zeros([2, 6]) })).toThrow(/recurrentKernel/);
    expect(() => wm.lstmSequence({ x, kernel: wm.zeros([4, 8]), recurrentKernel: wm.zeros([2, 8]), mask: wm.zeros([3, 3]) })).toThrow(
      /mask must be \[2, 3\]/,
    );
    expect(() =>
      wm.lstmSequence({ x, kernel: wm.zeros([4, 8]), recurrentKernel: wm.zeros([2, 8]), recurrentActivation: 'tanh' as never }),
    ).toThrow(/recurrentActivation/);
  });
});
