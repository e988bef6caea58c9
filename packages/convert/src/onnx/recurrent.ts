// LSTM, GRU, SimpleRNN and Bidirectional as ONNX's LSTM / GRU / RNN ops. ONNX
// runs time-major ([steps, batch, features]) with weights [directions, gates *
// units, in] and LSTM gates in i, o, f, c order (Keras: i, f, c, o); GRU gates
// are z, r, h on both sides. Our GRU applies the reset gate before the
// recurrent product (ONNX's linear_before_reset = 0) or, with resetAfter (Keras
// 3's reset_after), after it (linear_before_reset = 1), its [2, 3 units] bias
// being ONNX's [input bias, recurrent bias] as it stands.
import type { Layer, Variable } from './types.js';
import { recurrentActivation } from './activations.js';
import type { GraphBuilder } from './graph.js';

type Json = Record<string, unknown>;

const OP: Record<string, { op: string; gates: number }> = {
  LSTM: { op: 'LSTM', gates: 4 },
  GRU: { op: 'GRU', gates: 3 },
  SimpleRNN: { op: 'RNN', gates: 1 },
};

export function recurrentIssues(className: string, cfg: Json): string[] {
  const issues: string[] = [];
  if (cfg.return_state) issues.push('return_state=true');
  if (cfg.go_backwards && cfg.return_sequences) issues.push('go_backwards with return_sequences (Keras returns the reversed sequence)');
  for (const k of className === 'SimpleRNN' ? ['activation'] : ['activation', 'recurrent_activation']) {
    if (!recurrentActivation(cfg[k]))
      issues.push(`${k}='${String(cfg[k])}' (ONNX recurrent ops take tanh, sigmoid, relu, hard_sigmoid, hard_sigmoid_relu6)`);
  }
  return issues;
}

/** [gates*units, in] with Keras's column blocks reordered for ONNX. */
function toOnnxLayout(className: string, kernel: Float32Array, rows: number, units: number, gates: number): Float32Array {
  // Keras block order -> ONNX block order, as indices into the Keras blocks.
  const order = className === 'LSTM' ? [0, 3, 1, 2] : Array.from({ length: gates }, (_, i) => i);
  const cols = gates * units;
  const out = new Float32Array(cols * rows);
  order.forEach((src, dst) => {
    for (let u = 0; u < units; u++) {
      for (let r = 0; r < rows; r++) out[(dst * units + u) * rows + r] = kernel[r * cols + src * units + u]!;
    }
  });
  return out;
}

function reorderBias(className: string, bias: Float32Array, units: number): Float32Array {
  if (className !== 'LSTM') return bias;
  const out = new Float32Array(bias.length);
  [0, 3, 1, 2].forEach((src, dst) => out.set(bias.subarray(src * units, (src + 1) * units), dst * units));
  return out;
}

interface DirWeights {
  kernel: Variable;
  recurrentKernel: Variable;
  bias?: Variable;
}

/** Emits one ONNX recurrent op over 1 or 2 directions; returns [Y, Y_h] names. */
function emitOp(
  g: GraphBuilder,
  x: string,
  className: string,
  cfg: Json,
  dirs: DirWeights[],
  direction: string,
  base: string,
): [string, string] {
  const { op, gates } = OP[className]!;
  const units = Number(cfg.units);
  const feat = dirs[0]!.kernel.shape[0]!;
  const W = new Float32Array(dirs.length * gates * units * feat);
  const R = new Float32Array(dirs.length * gates * units * units);
  const B = new Float32Array(dirs.length * 2 * gates * units);
  dirs.forEach((d, i) => {
    W.set(toOnnxLayout(className, d.kernel.dataSync() as Float32Array, feat, units, gates), i * gates * units * feat);
    R.set(toOnnxLayout(className, d.recurrentKernel.dataSync() as Float32Array, units, units, gates), i * gates * units * units);
    // ONNX adds an input bias and a recurrent bias; ours is one bias (the recurrent half stays 0), or both (GRU resetAfter).
    if (d.bias) B.set(reorderBias(className, d.bias.dataSync() as Float32Array, units), i * 2 * gates * units);
  });
  const n = dirs.length;
  const acts =
    className === 'SimpleRNN'
      ? [recurrentActivation(cfg.activation)!]
      : [
          recurrentActivation(cfg.recurrent_activation)!,
          recurrentActivation(cfg.activation)!,
          ...(className === 'LSTM' ? [recurrentActivation(cfg.activation)!] : []),
        ];
  const all = Array.from({ length: n }, () => acts).flat();
  const attrs: Record<string, number | string | string[] | { floats: number[] }> = {
    hidden_size: units,
    direction,
    activations: all.map((a) => a.op),
  };
  if (all.some((a) => a.alpha !== undefined)) {
    attrs.activation_alpha = { floats: all.map((a) => a.alpha ?? 0) };
    attrs.activation_beta = { floats: all.map((a) => a.beta ?? 0) };
  }
  if (className === 'GRU') attrs.linear_before_reset = cfg.reset_after ? 1 : 0;
  const inputs = [
    x,
    g.float(`${base}_W`, [n, gates * units, feat], W),
    g.float(`${base}_R`, [n, gates * units, units], R),
    g.float(`${base}_B`, [n, 2 * gates * units], B),
  ];
  const outs = g.op(op, inputs, attrs, 2, base);
  return [outs[0]!, outs[1]!];
}

function dirWeights(l: Layer): DirWeights {
  const w = l.weights;
  return { kernel: w[0]!, recurrentKernel: w[1]!, ...(w[2] ? { bias: w[2] } : {}) };
}

/** A recurrent layer on x [batch, steps, features]. */
export function emitRecurrent(g: GraphBuilder, x: string, className: string, cfg: Json, layer: Layer, base: string): string {
  const tm = g.op1('Transpose', [x], { perm: [1, 0, 2] }, `${base}_time_major`);
  const [Y, Yh] = emitOp(g, tm, className, cfg, [dirWeights(layer)], cfg.go_backwards ? 'reverse' : 'forward', base);
  if (cfg.return_sequences) {
    const y = g.op1('Squeeze', [Y, g.int64(`${base}_axis1`, [1])], {}, `${base}_seq`);
    return g.op1('Transpose', [y], { perm: [1, 0, 2] }, `${base}_out`);
  }
  return g.op1('Squeeze', [Yh, g.int64(`${base}_axis0`, [0])], {}, `${base}_out`);
}

export function bidirectionalIssues(cfg: Json): string[] {
  const inner = (cfg.layer ?? {}) as { class_name?: string; config?: Json };
  const issues = OP[String(inner.class_name)]
    ? recurrentIssues(String(inner.class_name), inner.config ?? {})
    : [`wrapped layer ${String(inner.class_name)}`];
  if (!['concat', 'sum'].includes(String(cfg.merge_mode ?? 'concat')))
    issues.push(`merge_mode='${String(cfg.merge_mode)}' (concat and sum export)`);
  return issues;
}

export function emitBidirectional(
  g: GraphBuilder,
  x: string,
  cfg: Json,
  layer: Layer & { forward: Layer; backward: Layer },
  base: string,
): string {
  const inner = cfg.layer as { class_name: string; config: Json };
  const icfg = inner.config;
  const units = Number(icfg.units);
  const tm = g.op1('Transpose', [x], { perm: [1, 0, 2] }, `${base}_time_major`);
  const [Y, Yh] = emitOp(g, tm, inner.class_name, icfg, [dirWeights(layer.forward), dirWeights(layer.backward)], 'bidirectional', base);
  const sum = cfg.merge_mode === 'sum';
  if (icfg.return_sequences) {
    // Y [steps, 2, batch, units] -> [batch, steps, 2, units] -> concat or sum over directions.
    const t = g.op1('Transpose', [Y], { perm: [2, 0, 1, 3] }, `${base}_bsdu`);
    if (sum) return g.op1('ReduceSum', [t, g.int64(`${base}_axis2`, [2])], { keepdims: 0 }, `${base}_out`);
    return g.op1('Reshape', [t, g.int64(`${base}_shape`, [0, 0, 2 * units])], {}, `${base}_out`);
  }
  // Y_h [2, batch, units] -> [batch, 2, units].
  const t = g.op1('Transpose', [Yh], { perm: [1, 0, 2] }, `${base}_bdu`);
  if (sum) return g.op1('ReduceSum', [t, g.int64(`${base}_axis1`, [1])], { keepdims: 0 }, `${base}_out`);
  return g.op1('Reshape', [t, g.int64(`${base}_shape`, [0, 2 * units])], {}, `${base}_out`);
}
