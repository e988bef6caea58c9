// Every broadcasting binary op (a row of the kernels' binary tables) against
// the tfjs op of the same name, as a function and as a Tensor method: values
// and dtype over broadcast shapes, gradients on same-shape inputs (tfjs's own
// gradients of maximum, minimum and squaredDifference are wrong when they
// broadcast; elementwise.test.ts checks ours there by finite differences).
// A new row is covered here without editing this file.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { ARITHMETIC_TABLE, type BinaryRow, COMPARE_TABLE, LOGICAL_TABLE } from '@wasmml/kernels';
import { checkGradNumeric, compareOp, type InputSpec, tf } from './harness.js';

type Op2 = (a: wm.Tensor, b: wm.Tensor) => wm.Tensor;
type TfOp2 = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

// Operands where every op is defined and smooth: a positive divisor; pow's base positive.
const RANGES: Record<string, [[number, number], [number, number]]> = {
  pow: [
    [0.5, 3],
    [-2, 2],
  ],
};
const DEFAULT_RANGES: [[number, number], [number, number]] = [
  [-3, 3],
  [0.5, 3],
];
const SHAPES: Array<[number[], number[]]> = [
  [
    [3, 5],
    [3, 5],
  ],
  [[3, 5], [5]],
  [
    [4, 1],
    [1, 3],
  ],
  [[], [4]],
  [[0, 3], [3]],
];

/** Whether tfjs can differentiate op (some of its composed ops go through one without a gradient). */
function tfHasGradient(theirs: TfOp2): boolean {
  try {
    tf.tidy(() => tf.grads(theirs)([tf.tensor([1.5]), tf.tensor([2])]));
    return true;
  } catch {
    return false;
  }
}

const ROWS = [ARITHMETIC_TABLE, COMPARE_TABLE, LOGICAL_TABLE].flatMap((t) => Object.entries(t as Record<string, BinaryRow>));

describe('generated binary ops vs tfjs', () => {
  for (const [op, row] of ROWS) {
    it(`${op}(a, b) and a.${op}(b) match tf.${op}${row.grad ? ', with the gradient' : ''}`, () => {
      const ours = (wm as unknown as Record<string, Op2>)[op]!;
      const theirs = (tf as unknown as Record<string, TfOp2>)[op]!;
      expect(typeof ours, `wm.${op}`).toBe('function');
      expect(typeof theirs, `tf.${op}`).toBe('function');
      const [ra, rb] = RANGES[op] ?? DEFAULT_RANGES;
      const spec = (shape: number[], range: [number, number]): InputSpec =>
        row.dtypes === 'bool' ? { shape, dtype: 'bool' } : { shape, range };
      const tfGrad = row.grad !== undefined && tfHasGradient(theirs);
      for (const [sa, sb] of SHAPES) {
        compareOp(op, ours, theirs, [spec(sa, ra), spec(sb, rb)], { grad: tfGrad && sa.join() === sb.join() });
      }
      if (row.grad !== undefined && !tfGrad) {
        wm.tidy(() => {
          const a = wm.randomUniform([3, 5], ra[0], ra[1], 'float32', 5),
            b = wm.randomUniform([5], rb[0], rb[1], 'float32', 6);
          checkGradNumeric(`${op} grad a`, (x) => ours(x, b), [3, 5], { range: ra });
          checkGradNumeric(`${op} grad b`, (x) => ours(a, x), [5], { range: rb });
        });
      }
      if (row.dtypes === 'numeric') {
        const ints: InputSpec[] = [
          { shape: [4, 5], dtype: 'int32', range: [-20, 20] },
          { shape: [5], dtype: 'int32', range: [1, 7] },
        ];
        compareOp(`${op} int32`, ours, theirs, ints, { grad: false });
      }
      const method: Op2 = (a, b) => (a as unknown as Record<string, (b: wm.Tensor) => wm.Tensor>)[op]!(b);
      compareOp(`a.${op}(b)`, method, theirs, [spec([4, 6], ra), spec([6], rb)], { grad: false });
    });
  }
});
