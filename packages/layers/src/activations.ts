// Activation functions by name (tfjs names, Keras snake_case accepted).
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';

/**
 * Name of an activation function, as in Keras/tfjs (`'relu'`, `'softmax'`, ...); case and underscores are ignored,
 * and an unknown name throws.
 */
export type ActivationIdentifier =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'softsign'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'hardSigmoidRelu6'
  | 'tanh'
  | 'softmax'
  | 'logSoftmax'
  | 'swish'
  | 'gelu'
  | 'gelu_new'
  | 'mish'
  | string;

const fns: Record<string, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu: (x) => ops.relu(x),
  relu6: (x) => ops.relu6(x),
  elu: (x) => ops.elu(x),
  selu: (x) => ops.selu(x),
  softplus: (x) => ops.softplus(x),
  softsign: (x) => x.div(ops.abs(x).add(1)),
  sigmoid: (x) => ops.sigmoid(x),
  // tfjs's and Keras 2's hard sigmoid.
  hardsigmoid: (x) => ops.clipByValue(x.mul(0.2).add(0.5), 0, 1),
  // Keras 3's hard_sigmoid (also PyTorch's Hardsigmoid and JAX's hard_sigmoid): slope 1/6, not 0.2.
  hardsigmoidrelu6: (x) => ops.relu6(x.add(3)).div(6),
  tanh: (x) => ops.tanh(x),
  softmax: (x) => ops.softmax(x),
  logsoftmax: (x) => ops.logSoftmax(x),
  swish: (x) => x.mul(ops.sigmoid(x)),
  gelu: (x) => ops.gelu(x),
  gelunew: (x) => ops.gelu(x, true),
  mish: (x) => x.mul(ops.tanh(ops.softplus(x))),
};

/** Canonical tfjs name of an activation ('hard_sigmoid' -> 'hardSigmoid'). */
export function activationName(id: ActivationIdentifier | null | undefined): string {
  const key = (id ?? 'linear').replace(/_/g, '').toLowerCase();
  if (!(key in fns)) throw new Error(`unknown activation '${id}' (known: ${Object.keys(fns).join(', ')})`);
  return { hardsigmoid: 'hardSigmoid', hardsigmoidrelu6: 'hardSigmoidRelu6', logsoftmax: 'logSoftmax', gelunew: 'gelu_new' }[key] ?? key;
}

/** The activation function for a name. */
export function getActivation(id: ActivationIdentifier | null | undefined): (x: Tensor) => Tensor {
  return fns[activationName(id).replace(/_/g, '').toLowerCase()]!;
}
