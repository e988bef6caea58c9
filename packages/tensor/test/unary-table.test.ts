// Every generated unary op (a 'plain' row of the kernels' unary table) against
// the tfjs op of the same name, forward and gradient, as a function and as a
// Tensor method: a new row is covered here without editing this file.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { UNARY_TABLE, type UnaryRow } from '@wasmml/kernels';
import { compareOp, tf } from './harness.js';

type Op1 = (x: wm.Tensor) => wm.Tensor;
type TfOp1 = (x: tf.Tensor) => tf.Tensor;

// Inputs where each op is defined and smooth enough for a gradient check; [-3, 3] otherwise.
const RANGE: Record<string, [number, number]> = {
  log: [0.1, 10],
  sqrt: [0.1, 10],
  rsqrt: [0.1, 10],
  reciprocal: [0.5, 3],
  log1p: [-0.5, 5],
  exp: [-5, 5],
  asin: [-0.9, 0.9],
  acos: [-0.9, 0.9],
  atanh: [-0.9, 0.9],
  acosh: [1.1, 5],
};

const PLAIN = Object.entries(UNARY_TABLE as Record<string, UnaryRow>)
  .filter(([, r]) => r.tensor === 'plain')
  .map(([op]) => op);

describe('generated unary ops vs tfjs', () => {
  for (const op of PLAIN) {
    it(`${op}(x) and x.${op}() match tf.${op}, with the gradient`, () => {
      const ours = (wm as unknown as Record<string, Op1>)[op]!;
      const theirs = (tf as unknown as Record<string, TfOp1>)[op]!;
      expect(typeof ours, `wm.${op}`).toBe('function');
      expect(typeof theirs, `tf.${op}`).toBe('function');
      const range = RANGE[op] ?? [-3, 3];
      for (const shape of [[], [7], [3, 5], [0, 3]]) compareOp(op, ours, theirs, [{ shape, range }], { grad: true });
      const method = (x: wm.Tensor) => (x as unknown as Record<string, () => wm.Tensor>)[op]!();
      compareOp(`x.${op}()`, method, theirs, [{ shape: [4, 6], range }], { grad: true });
    });
  }
});
