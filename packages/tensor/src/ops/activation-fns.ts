// Activation functions by fused-op name, for the unfused fallbacks.
import type { Tensor } from '../tensor.js';
import { elu, leakyRelu, relu, relu6, sigmoid, tanh } from './unary.js';

export function getActivationFn(name: string, leakyAlpha = 0.2): (x: Tensor) => Tensor {
  switch (name) {
    case 'linear':
      return (x) => x;
    case 'relu':
      return relu;
    case 'relu6':
      return relu6;
    case 'sigmoid':
      return sigmoid;
    case 'tanh':
      return tanh;
    case 'elu':
      return elu;
    case 'leakyrelu':
      return (x) => leakyRelu(x, leakyAlpha);
    default:
      throw new Error(`unknown activation '${name}'`);
  }
}
