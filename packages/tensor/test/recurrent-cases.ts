// What the lstmSequence and gruSequence tests share: their tfjs recurrent
// activation, mask pattern and grid of cases.
import { tf } from './harness.js';

export type Rec = 'hardSigmoid' | 'sigmoid';

/** The recurrent activation as tfjs-layers computes it (hardSigmoid: clip(0.2 z + 0.5, 0, 1)). */
export function tfRecurrentActivation(rec: Rec): (z: tf.Tensor) => tf.Tensor {
  return (z) => (rec === 'sigmoid' ? tf.sigmoid(z) : tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1));
}

/** A [B, T] mask with steps left out here and there. */
export function maskValues(B: number, T: number): number[] {
  return Array.from({ length: B * T }, (_, i) => ((i * 5) % 3 === 1 ? 0 : 1));
}

/** One case of the grid, with its test title. */
export interface RecurrentCase {
  B: number;
  T: number;
  F: number;
  u: number;
  rec: Rec;
  goBackwards: boolean;
  masked: boolean;
  useBias: boolean;
  title: string;
}

/** Sizes [batch, steps, features, units] crossed with four activation / direction / mask / bias settings. */
export function recurrentCases(): RecurrentCase[] {
  const sizes: Array<[number, number, number, number]> = [
    [1, 1, 1, 1],
    [2, 3, 4, 3],
    [3, 5, 2, 6],
    [5, 4, 7, 9],
  ];
  const settings: Array<[Rec, boolean, boolean, boolean]> = [
    ['hardSigmoid', false, false, true],
    ['sigmoid', true, false, false],
    ['sigmoid', false, true, true],
    ['hardSigmoid', true, true, true],
  ];
  return sizes.flatMap(([B, T, F, u]) =>
    settings.map(([rec, goBackwards, masked, useBias]) => ({
      B,
      T,
      F,
      u,
      rec,
      goBackwards,
      masked,
      useBias,
      title: `batch ${B} steps ${T} features ${F} units ${u} ${rec}${goBackwards ? ' goBackwards' : ''}${masked ? ' masked' : ''}${useBias ? '' : ' no bias'}`,
    })),
  );
}
