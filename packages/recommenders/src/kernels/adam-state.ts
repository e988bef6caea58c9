// Sparse-Adam state for the fused MF / BPR kernels: zeroed moments shaped like
// each array, and per-row step powers [beta1^t, beta2^t] starting at 1.
import { fill, variable, zeros, type Tensor, type Variable } from '@wasmml/tensor';
import type { MfAdamState, MfVariables } from './types.js';

/** Zeroed sparse-Adam state for `vars` (step powers start at 1). */
export function mfAdamState(vars: MfVariables): MfAdamState {
  const made: Variable[] = [];
  const v = (t: Tensor) => {
    const x = variable(t, false);
    t.dispose();
    made.push(x);
    return x;
  };
  const moments: MfAdamState['moments'] = {};
  for (const k of ['userFactors', 'itemFactors', 'userBias', 'itemBias'] as const) {
    const src = vars[k];
    if (src) moments[k] = [v(zeros(src.shape)), v(zeros(src.shape))];
  }
  return {
    moments,
    userPowers: v(fill([vars.userFactors.shape[0]!, 2], 1)),
    itemPowers: v(fill([vars.itemFactors.shape[0]!, 2], 1)),
    dispose: () => made.forEach((x) => x.dispose()),
  };
}
