// The arguments of the fused MF / BPR kernels (../../assembly), as tensors:
// the model's variables, their sparse-Adam state, an epoch's stratified
// layout, and the update rules.
import type { Tensor, Variable } from '@wasmml/tensor';

/** The arrays of a matrix factorisation: float32 variables, updated in place by training. */
export interface MfVariables {
  /** [numUsers, factors]. */
  userFactors: Variable;
  /** [numItems, factors]. */
  itemFactors: Variable;
  /** [numUsers] (optional; BPR ignores it). */
  userBias?: Variable;
  /** [numItems] (optional). */
  itemBias?: Variable;
}

/** Sparse-Adam state of an MfVariables: moments per array and per-row step powers. */
export interface MfAdamState {
  /** Moments [m, v] of each array, keyed like MfVariables. */
  moments: { [K in keyof MfVariables]?: [Variable, Variable] };
  /** Shape [numUsers, 2]: beta1^t, beta2^t of each user row's own step count. */
  userPowers: Variable;
  /** Shape [numItems, 2]: the same for item rows. */
  itemPowers: Variable;
  /** Frees the state. */
  dispose(): void;
}

/**
 * An epoch's sample order in the stratified layout: `strata` passes of
 * `blocks` blocks each; block (s, b) runs positions
 * [offsets[s*blocks+b], offsets[s*blocks+b+1]) of `order`, and the blocks of
 * one pass must touch disjoint user rows and disjoint item rows (checked).
 */
export interface MfLayoutTensors {
  /** int32 [positions]: sample index at each position. */
  order: Tensor;
  /** int32 [strata * blocks + 1]. */
  offsets: Tensor;
  /** Sequential passes. */
  strata: number;
  /** Blocks per pass (run in parallel). */
  blocks: number;
}

/** Plain SGD with L2, applied after every sample (Surprise's SVD update; Rendle's BPR update). */
export interface SparseSgdRule {
  /** Selects the rule. */
  type: 'sgd';
  /** Step size of the factors. */
  learningRate: number;
  /** L2 factor of the factors (default 0). */
  l2?: number;
  /** Step size of the biases (default: learningRate). */
  biasLearningRate?: number;
  /** L2 factor of the biases (default: l2). */
  biasL2?: number;
}

/**
 * Adam on the rows a sample touches, applied after every sample; each row keeps
 * its own step count for the bias corrections, so a row updated t times has
 * had exactly t Adam steps (rows not touched are not decayed: "lazy" Adam).
 */
export interface SparseAdamRule {
  /** Selects the rule. */
  type: 'adam';
  /** Step size of the factors (default 0.001). */
  learningRate?: number;
  /** L2 factor added to the gradient of the factors (default 0). */
  l2?: number;
  /** Step size of the biases (default: learningRate). */
  biasLearningRate?: number;
  /** L2 factor of the biases (default: l2). */
  biasL2?: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
}

/** The update rules of the sparse MF / BPR kernels. */
export type SparseRule = SparseSgdRule | SparseAdamRule;

/**
 * A BPR context (FPMC-style, Rendle et al. 2010): per training sample, items
 * of the same user (e.g. the ones just before it) whose context factors,
 * averaged, add to the user's factors: x_ui = b_i + (p_u + mean_l s_l) · q_i.
 */
export interface BprContextTensors {
  /** Context factors S, float32 [numItems, factors], updated in place. */
  factors: Variable;
  /** int32 [samples, length]: context items of each sample; entries outside [0, numItems) (e.g. -1) are padding. */
  items: Tensor;
  /** L2 factor of S (default 0). */
  l2?: number;
}

/**
 * BPR item features (LightFM-style hybrid items): item i's side is
 * q_i + mean_f F_f and its bias b_i + mean_f fb_f over its feature ids
 * ids[offsets[i] .. offsets[i+1]); the feature rows train with the item's
 * gradient scaled by 1 / its feature count.
 */
export interface BprItemFeatureTensors {
  /** Feature factors F, float32 [numFeatures, factors], updated in place. */
  factors: Variable;
  /** Feature biases, float32 [numFeatures], updated in place (optional; they take the rule's biasL2). */
  bias?: Variable;
  /** int32 [numItems + 1], non-decreasing from 0. */
  offsets: Tensor;
  /** int32 [offsets[numItems]]: feature ids, each in [0, numFeatures). */
  ids: Tensor;
  /** L2 factor of F (default 0). */
  l2?: number;
}
