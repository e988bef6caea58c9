// addN: a sum of several tensors, as adds.
import type { TensorLike } from '../convert.js';
import { Tensor } from '../tensor.js';
import { add } from './binary.generated.js';

/** Sum of several same-shape tensors (tfjs `addN`). */
export function addN(tensors: Array<Tensor | TensorLike>): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('addN: expected a non-empty list of tensors');
  return tensors.slice(1).reduce<Tensor>((acc, t) => add(acc, t), tensors[0] instanceof Tensor ? tensors[0] : add(tensors[0]!, 0));
}
