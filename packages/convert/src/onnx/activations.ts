// Keras activations as ONNX ops (opset 17).
import type { GraphBuilder } from './graph.js';

const SIMPLE: Record<string, string> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  elu: 'Elu',
  selu: 'Selu',
  softplus: 'Softplus',
  softsign: 'Softsign',
};

/** Activations an ONNX graph can compute, for error messages. */
export const ONNX_ACTIVATIONS = ['linear', ...Object.keys(SIMPLE), 'softmax', 'hard_sigmoid', 'swish', 'relu6'];

export function activationSupported(name: unknown): boolean {
  return name === undefined || name === null || ONNX_ACTIVATIONS.includes(String(name));
}

/** Applies activation `name` to value `x`. */
export function activation(g: GraphBuilder, x: string, name: unknown, base: string): string {
  const a = name === undefined || name === null ? 'linear' : String(name);
  if (a === 'linear') return x;
  if (SIMPLE[a]) return g.op1(SIMPLE[a], [x], {}, `${base}_${a}`);
  if (a === 'softmax') return g.op1('Softmax', [x], { axis: -1 }, `${base}_softmax`);
  // Keras and tfjs: clip(0.2 x + 0.5, 0, 1), which is ONNX's HardSigmoid with these constants.
  if (a === 'hard_sigmoid') return g.op1('HardSigmoid', [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } }, `${base}_hard_sigmoid`);
  if (a === 'swish') return g.op1('Mul', [x, g.op1('Sigmoid', [x], {}, `${base}_sigmoid`)], {}, `${base}_swish`);
  if (a === 'relu6') return g.op1('Clip', [x, g.float(`${base}_zero`, [], [0]), g.float(`${base}_six`, [], [6])], {}, `${base}_relu6`);
  throw new Error(`exportOnnx: activation '${a}' has no ONNX form`);
}

/** ONNX recurrent-op activation names. */
export function recurrentActivation(name: unknown): { op: string; alpha?: number; beta?: number } | undefined {
  const a = String(name ?? 'tanh');
  if (a === 'tanh') return { op: 'Tanh' };
  if (a === 'sigmoid') return { op: 'Sigmoid' };
  if (a === 'relu') return { op: 'Relu' };
  if (a === 'hard_sigmoid') return { op: 'HardSigmoid', alpha: 0.2, beta: 0.5 };
  return undefined;
}
