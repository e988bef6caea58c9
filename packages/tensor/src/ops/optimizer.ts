// The fused optimizer step: every parameter of a model updated by one kernel
// call (the optimizers package builds on this; it is not a tfjs op).
import { applyOptimizer, optimizerSlots, type OptimizerRule } from '@wasmml/kernels';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';

export type { OptimizerRule } from '@wasmml/kernels';
export { optimizerSlots };

/**
 * Updates params in place from grads with one kernel call. slots[i] holds the
 * rule's state variables for params[i] (`optimizerSlots(rule.type)` of them,
 * same shape as the parameter).
 */
export function fusedOptimizerStep(
  rule: OptimizerRule,
  params: Variable[],
  grads: Tensor[],
  slots: Variable[][],
  opts: { clipValue?: number } = {},
): void {
  const want = optimizerSlots(rule.type, 'centered' in rule ? !!rule.centered : false);
  const table = params.map((p, i) => {
    const g = grads[i],
      s = slots[i] ?? [];
    if (!g) throw new Error(`fusedOptimizerStep: no gradient for parameter '${p.name}'`);
    p.assertLive('fusedOptimizerStep');
    g.assertLive('fusedOptimizerStep');
    if (p.dtype !== 'float32' || g.dtype !== 'float32' || g.size !== p.size) {
      throw new Error(
        `fusedOptimizerStep: parameter '${p.name}' ${fmtShape(p.shape)} (${p.dtype}) and its gradient ${fmtShape(g.shape)} (${g.dtype}) must be float32 of the same size`,
      );
    }
    if (s.length !== want)
      throw new Error(`fusedOptimizerStep: ${rule.type} needs ${want} slot(s) per parameter, '${p.name}' has ${s.length}`);
    // A parameter that shares its buffer (a clone taken earlier) gets its own before the in-place write.
    p.ownBuffer();
    for (const v of s) v.ownBuffer();
    return { param: p.ptr, grad: g.ptr, size: p.size, slots: s.map((v) => v.ptr) };
  });
  applyOptimizer(table, rule, opts.clipValue ? { clipValue: opts.clipValue } : {});
}
