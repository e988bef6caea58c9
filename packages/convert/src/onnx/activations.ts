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
export const ONNX_ACTIVATIONS = ['linear', ...Object.keys(SIMPLE), 'softmax', 'hard_sigmoid', 'hard_sigmoid_relu6', 'swish', 'relu6'];

/** ONNX HardSigmoid is clip(alpha x + beta, 0, 1): tfjs's (and Keras 2's) and Keras 3's (relu6(x + 3) / 6) constants. */
const HARD_SIGMOID: Record<string, { alpha: number; beta: number }> = {
  hard_sigmoid: { alpha: 0.2, beta: 0.5 },
  hard_sigmoid_relu6: { alpha: 1 / 6, beta: 0.5 },
};

export function activationSupported(name: unknown): boolean {
  return name === undefined || name === null || ONNX_ACTIVATIONS.includes(String(name));
}

/** Applies activation `name` to value `x`. */
export function activation(g: GraphBuilder, x: string, name: unknown, base: string): string {
  const a = name === undefined || name === null ? 'linear' : String(name);
  if (a === 'linear') return x;
  if (SIMPLE[a]) return g.op1(SIMPLE[a], [x], {}, `${base}_${a}`);
  if (a === 'softmax') return g.op1('Softmax', [x], { axis: -1 }, `${base}_softmax`);
  const hard = HARD_SIGMOID[a];
  if (hard) return g.op1('HardSigmoid', [x], { alpha: { float: hard.alpha }, beta: { float: hard.beta } }, `${base}_${a}`);
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
  const hard = HARD_SIGMOID[a];
  if (hard) return { op: 'HardSigmoid', ...hard };
  return undefined;
}
