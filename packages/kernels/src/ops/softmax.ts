// Softmax family along the last axis of a [rows, n] matrix, one row per pool item.
import { checkCounts } from './checks.js';
import { runtime } from '../runtime.js';
import { f32View } from '../views.js';

// exp dominates: about a dozen vector ops per element.
const rowCost = (n: number) => n * 12 + 16;

/** y = softmax(x) along the last axis: exp(x - max) / sum(exp(x - max)) per row of [rows, n]. */
export function softmax(x: number, y: number, rows: number, n: number): void {
  checkCounts('softmax', { rows, n });
  if (rows === 0 || n === 0) return;
  runtime().pool.run('softmax_f32', [x, y, n], rows, { cost: rowCost(n) });
}

/** y = logSoftmax(x) along the last axis: (x - max) - log(sum(exp(x - max))). */
export function logSoftmax(x: number, y: number, rows: number, n: number): void {
  checkCounts('logSoftmax', { rows, n });
  if (rows === 0 || n === 0) return;
  runtime().pool.run('log_softmax_f32', [x, y, n], rows, { cost: rowCost(n) });
}

/** Softmax backward from its output y: dx = y * (dy - sum(dy * y)) per row. */
export function softmaxGrad(y: number, dy: number, dx: number, rows: number, n: number): void {
  checkCounts('softmaxGrad', { rows, n });
  if (rows === 0 || n === 0) return;
  runtime().pool.run('softmax_grad_f32', [y, dy, dx, n], rows, { cost: n * 3 + 16 });
}

/** logSoftmax backward from its output y: dx = dy - exp(y) * sum(dy) per row. */
export function logSoftmaxGrad(y: number, dy: number, dx: number, rows: number, n: number): void {
  checkCounts('logSoftmaxGrad', { rows, n });
  if (rows === 0 || n === 0) return;
  runtime().pool.run('log_softmax_grad_f32', [y, dy, dx, n], rows, { cost: rowCost(n) });
}

/** Options of the fused softmax cross-entropy kernels. */
export interface SoftmaxCrossEntropyOptions {
  /** Address of the per-row loss [rows] (float32), or 0 to skip it. */
  loss?: number;
  /** Address of dlogits [rows, n] (float32), or 0 to skip the gradient. */
  dlogits?: number;
  /** Factor applied to dlogits, e.g. 1/rows for a mean loss (default 1). */
  gradScale?: number;
}

function xent(name: string, what: string, logits: number, labels: number, rows: number, n: number, opts: SoftmaxCrossEntropyOptions): void {
  checkCounts(what, { rows, n });
  const loss = opts.loss ?? 0,
    dlogits = opts.dlogits ?? 0;
  if (rows === 0 || (loss === 0 && dlogits === 0)) return;
  if (n === 0) {
    if (loss) f32View(loss, rows).fill(0);
    return;
  }
  runtime().pool.run(name, [logits, labels, loss, dlogits, n, opts.gradScale ?? 1], rows, { cost: rowCost(n) + n * 3 });
}

/**
 * Softmax cross-entropy with logits, fused, for dense labels (probabilities,
 * float32 [rows, n]): loss[row] = -sum(labels * logSoftmax(logits)) and
 * dlogits = (softmax(logits) - labels) * gradScale, in one pass over each row
 * (tfjs's softmaxCrossEntropy per row and its gradient).
 */
export function softmaxCrossEntropy(logits: number, labels: number, rows: number, n: number, opts: SoftmaxCrossEntropyOptions): void {
  xent('softmax_xent_f32', 'softmaxCrossEntropy', logits, labels, rows, n, opts);
}

/**
 * As softmaxCrossEntropy with sparse labels: one int32 class id per row. An id
 * outside [0, n) counts as an all-zero label row (as tfjs's oneHot makes it):
 * loss 0 and dlogits = softmax * gradScale.
 */
export function sparseSoftmaxCrossEntropy(logits: number, labels: number, rows: number, n: number, opts: SoftmaxCrossEntropyOptions): void {
  xent('sparse_softmax_xent_f32', 'sparseSoftmaxCrossEntropy', logits, labels, rows, n, opts);
}
