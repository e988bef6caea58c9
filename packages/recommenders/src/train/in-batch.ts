// The in-batch softmax loss of two-tower retrieval: row r's positive is
// column r; the other rows' items are its negatives. Logits are cosine scores
// over a temperature, minus log q(item) (Yi et al. 2019: corrects for popular
// items being sampled as negatives more often), with the columns that repeat
// a row's own item masked (they are not negatives: "accidental hits").
import * as ops from '@wasmml/tensor';
import { tensor, type Tensor } from '@wasmml/tensor';

/** Mean in-batch softmax cross-entropy; users and items [n, d] (normalised), items' ids [n]. */
export function inBatchSoftmaxLoss(users: Tensor, items: Tensor, itemIds: Int32Array, temperature: number, logQ?: Float32Array): Tensor {
  const n = itemIds.length;
  const offsets = new Float32Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      offsets[r * n + c] = (logQ ? -logQ[itemIds[c]!]! : 0) + (c !== r && itemIds[c] === itemIds[r] ? -1e9 : 0);
    }
  }
  const logits = ops.add(ops.mul(ops.matMul(users, items, false, true), 1 / temperature), tensor(offsets, [n, n], 'float32'));
  const labels = tensor(
    Int32Array.from({ length: n }, (_, r) => r),
    [n],
    'int32',
  );
  return ops.mean(ops.sparseSoftmaxCrossEntropyWithLogits(labels, logits));
}

/** Row-wise L2 normalisation. */
export function l2Normalize(x: Tensor): Tensor {
  return ops.mul(x, ops.rsqrt(ops.add(ops.sum(ops.square(x), 1, true), 1e-12)));
}
