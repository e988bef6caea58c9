// Cross-entropy with logits, per example, fused with its gradient (the loss
// functions of the layers package build on these; names follow TF's nn ops).
import { softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record, recording } from '../engine.js';
import { fmtShape, shapesEqual } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import * as ew from './elementwise.js';
import { mul } from './elementwise.js';

function rowsOf(logits: Tensor, op: string): [number, number] {
  if (logits.dtype !== 'float32' || logits.rank < 1) {
    throw new Error(`${op}: logits must be float32 with rank >= 1, got ${fmtShape(logits.shape)} (${logits.dtype})`);
  }
  const n = logits.shape[logits.rank - 1]!;
  return [n === 0 ? 0 : logits.size / n, n];
}

/**
 * -Σ labels · logSoftmax(logits) over the last axis, one value per row; the
 * gradient (softmax - labels) comes from the same kernel pass.
 */
export function softmaxCrossEntropyWithLogits(labels: Tensor | TensorLike, logits: Tensor | TensorLike): Tensor {
  const y = convert(labels, 'labels', 'softmaxCrossEntropyWithLogits', 'float32');
  const x = convert(logits, 'logits', 'softmaxCrossEntropyWithLogits');
  if (!shapesEqual(y.shape, x.shape)) {
    throw new Error(`softmaxCrossEntropyWithLogits: labels ${fmtShape(y.shape)} and logits ${fmtShape(x.shape)} must have the same shape`);
  }
  const [rows, n] = rowsOf(x, 'softmaxCrossEntropyWithLogits');
  const loss = emptyTensor(x.shape.slice(0, -1), 'float32');
  const dl = emptyTensor(x.shape, 'float32');
  if (x.size > 0) softmaxCrossEntropy(x.ptr, y.ptr, rows, n, { loss: loss.ptr, dlogits: dl.ptr });
  record('SoftmaxCrossEntropy', [y, x], [loss], ([dy]) => [undefined, mul(dl, reshape(dy!, [...dy!.shape, 1]))]);
  if (!recording()) dl.dispose();
  return loss;
}

/** As softmaxCrossEntropyWithLogits with int32 class ids (shape = logits without the last axis). */
export function sparseSoftmaxCrossEntropyWithLogits(labels: Tensor | TensorLike, logits: Tensor | TensorLike): Tensor {
  const y = convert(labels, 'labels', 'sparseSoftmaxCrossEntropyWithLogits', 'int32');
  const x = convert(logits, 'logits', 'sparseSoftmaxCrossEntropyWithLogits');
  if (y.dtype !== 'int32' || !shapesEqual(y.shape, x.shape.slice(0, -1))) {
    throw new Error(
      `sparseSoftmaxCrossEntropyWithLogits: labels must be int32 of shape ${fmtShape(x.shape.slice(0, -1))}, got ${fmtShape(y.shape)} (${y.dtype})`,
    );
  }
  const [rows, n] = rowsOf(x, 'sparseSoftmaxCrossEntropyWithLogits');
  const loss = emptyTensor(y.shape, 'float32');
  const dl = emptyTensor(x.shape, 'float32');
  if (x.size > 0) sparseSoftmaxCrossEntropy(x.ptr, y.ptr, rows, n, { loss: loss.ptr, dlogits: dl.ptr });
  record('SparseSoftmaxCrossEntropy', [y, x], [loss], ([dy]) => [undefined, mul(dl, reshape(dy!, [...dy!.shape, 1]))]);
  if (!recording()) dl.dispose();
  return loss;
}

/**
 * Binary cross-entropy with logits, element-wise and stable:
 * max(x, 0) - x·z + log(1 + exp(-|x|)).
 */
export function sigmoidCrossEntropyWithLogits(labels: Tensor | TensorLike, logits: Tensor | TensorLike): Tensor {
  const z = convert(labels, 'labels', 'sigmoidCrossEntropyWithLogits', 'float32');
  const x = convert(logits, 'logits', 'sigmoidCrossEntropyWithLogits');
  return ew.add(ew.sub(ew.relu(x), ew.mul(x, z)), ew.log1p(ew.exp(ew.neg(ew.abs(x)))));
}
