// One ONNX emitter per layer class, over NHWC values: convolutions and pooling
// transpose to ONNX's NCHW around the op and back, so every value between
// layers keeps Keras's layout and Flatten/Reshape/Dense see the same order.
import { activation, activationSupported, ONNX_ACTIVATIONS } from './activations.js';
import { attentionIssues, emitAttention } from './attention.js';
import type { GraphBuilder } from './graph.js';
import { bidirectionalIssues, emitBidirectional, emitRecurrent, recurrentIssues } from './recurrent.js';
import type { Layer, Variable } from './types.js';

type Json = Record<string, unknown>;

/** What an emitter gets: the layer's inputs (value names), its saved config (snake_case) and the layer. */
export interface EmitArgs {
  g: GraphBuilder;
  ins: string[];
  cfg: Json;
  layer: Layer;
  base: string;
}

interface Emitter {
  /** Settings this emitter cannot export (empty when it can). */
  issues?: (cfg: Json) => string[];
  emit: (a: EmitArgs) => string;
}

/** The layer's weights by their short name ('kernel', 'bias', 'gamma', ...). */
function weightsOf(layer: Layer): Map<string, Variable> {
  const m = new Map<string, Variable>();
  for (const w of layer.namedWeights) m.set(w.originalName.slice(w.originalName.lastIndexOf('/') + 1), w.variable);
  return m;
}

function values(v: Variable): Float32Array {
  return v.dataSync() as Float32Array;
}

function tuple(v: unknown, n: number): number[] {
  return Array.isArray(v) ? v.map(Number) : Array.from({ length: n }, () => Number(v));
}

function actIssues(cfg: Json): string[] {
  return activationSupported(cfg.activation)
    ? []
    : [`activation='${String(cfg.activation)}' (ONNX export knows ${ONNX_ACTIVATIONS.join(', ')})`];
}

function spatialIssues(cfg: Json): string[] {
  const out = actIssues(cfg);
  if (cfg.data_format === 'channels_first') out.push("data_format='channels_first'");
  if (cfg.padding && !['valid', 'same'].includes(String(cfg.padding))) out.push(`padding='${String(cfg.padding)}'`);
  return out;
}

/** Runs op on x converted to channels-first for `rank` spatial dims, converting back after. */
function channelsFirst(a: EmitArgs, rank: number, f: (xcf: string) => string): string {
  const toCF = rank === 2 ? [0, 3, 1, 2] : [0, 2, 1];
  const toCL = rank === 2 ? [0, 2, 3, 1] : [0, 2, 1];
  const cf = a.g.op1('Transpose', [a.ins[0]!], { perm: toCF }, `${a.base}_nchw`);
  return a.g.op1('Transpose', [f(cf)], { perm: toCL }, `${a.base}_nhwc`);
}

function conv(rank: number): Emitter {
  return {
    issues: spatialIssues,
    emit(a) {
      const w = weightsOf(a.layer);
      const kernel = w.get('kernel')!;
      const ks = kernel.shape as number[];
      // Keras [k..., in, out] -> ONNX [out, in, k...].
      const [cin, cout] = [ks[rank]!, ks[rank + 1]!];
      const kv = values(kernel);
      const spatial = ks.slice(0, rank).reduce((x, y) => x * y, 1);
      const oi = new Float32Array(kv.length);
      for (let s = 0; s < spatial; s++)
        for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) oi[(o * cin + i) * spatial + s] = kv[(s * cin + i) * cout + o]!;
      const W = a.g.float(`${a.base}_kernel`, [cout, cin, ...ks.slice(0, rank)], oi);
      const bias = w.get('bias');
      const inputs = bias ? [W, a.g.float(`${a.base}_bias`, [cout], values(bias))] : [W];
      const y = channelsFirst(a, rank, (x) =>
        a.g.op1(
          'Conv',
          [x, ...inputs],
          {
            kernel_shape: ks.slice(0, rank),
            strides: tuple(a.cfg.strides ?? 1, rank),
            dilations: tuple(a.cfg.dilation_rate ?? 1, rank),
            auto_pad: a.cfg.padding === 'same' ? 'SAME_UPPER' : 'VALID',
          },
          a.base,
        ),
      );
      return activation(a.g, y, a.cfg.activation, a.base);
    },
  };
}

function pool(rank: number, op: 'MaxPool' | 'AveragePool'): Emitter {
  return {
    issues: spatialIssues,
    emit(a) {
      const size = tuple(a.cfg.pool_size ?? 2, rank);
      const strides = tuple(a.cfg.strides ?? size, rank);
      return channelsFirst(a, rank, (x) =>
        a.g.op1(op, [x], { kernel_shape: size, strides, auto_pad: a.cfg.padding === 'same' ? 'SAME_UPPER' : 'VALID' }, a.base),
      );
    },
  };
}

function globalPool(rank: number, op: 'ReduceMean' | 'ReduceMax'): Emitter {
  return {
    issues: (cfg) => (cfg.keepdims ? ['keepdims=true'] : []),
    emit: (a) => a.g.op1(op, [a.ins[0]!], { axes: rank === 2 ? [1, 2] : [1], keepdims: 0 }, a.base),
  };
}

function merge(op: 'Sum' | 'Mul'): Emitter {
  return { emit: (a) => a.g.op1(op, a.ins, {}, a.base) };
}

function normAxisIssues(cfg: Json): string[] {
  const ax = Array.isArray(cfg.axis) ? cfg.axis : [cfg.axis ?? -1];
  return ax.length === 1 && Number(ax[0]) === -1 ? [] : [`axis=${JSON.stringify(cfg.axis)} (the last axis exports; give it as -1)`];
}

export const EMITTERS: Record<string, Emitter> = {
  Dense: {
    issues: actIssues,
    emit(a) {
      const w = weightsOf(a.layer);
      const k = w.get('kernel')!;
      let y = a.g.op1('MatMul', [a.ins[0]!, a.g.float(`${a.base}_kernel`, [...k.shape], values(k))], {}, a.base);
      const b = w.get('bias');
      if (b) y = a.g.op1('Add', [y, a.g.float(`${a.base}_bias`, [...b.shape], values(b))], {}, `${a.base}_bias_add`);
      return activation(a.g, y, a.cfg.activation, a.base);
    },
  },
  Activation: { issues: actIssues, emit: (a) => activation(a.g, a.ins[0]!, a.cfg.activation, a.base) },
  Dropout: { emit: (a) => a.g.op1('Identity', [a.ins[0]!], {}, a.base) },
  Flatten: { emit: (a) => a.g.op1('Flatten', [a.ins[0]!], { axis: 1 }, a.base) },
  Reshape: {
    emit: (a) => a.g.op1('Reshape', [a.ins[0]!, a.g.int64(`${a.base}_shape`, [0, ...(a.cfg.target_shape as number[])])], {}, a.base),
  },
  Conv1D: conv(1),
  Conv2D: conv(2),
  MaxPooling1D: pool(1, 'MaxPool'),
  MaxPooling2D: pool(2, 'MaxPool'),
  AveragePooling1D: pool(1, 'AveragePool'),
  AveragePooling2D: pool(2, 'AveragePool'),
  GlobalAveragePooling1D: globalPool(1, 'ReduceMean'),
  GlobalAveragePooling2D: globalPool(2, 'ReduceMean'),
  GlobalMaxPooling1D: globalPool(1, 'ReduceMax'),
  GlobalMaxPooling2D: globalPool(2, 'ReduceMax'),
  BatchNormalization: {
    issues: normAxisIssues,
    // Inference: one scale and shift per channel, folded from the moving statistics.
    emit(a) {
      const w = weightsOf(a.layer);
      const mean = values(w.get('moving_mean')!),
        variance = values(w.get('moving_variance')!);
      const gamma = w.get('gamma') ? values(w.get('gamma')!) : undefined,
        beta = w.get('beta') ? values(w.get('beta')!) : undefined;
      const eps = Number(a.cfg.epsilon ?? 1e-3);
      const scale = mean.map((_, i) => (gamma?.[i] ?? 1) / Math.sqrt(variance[i]! + eps));
      const shift = mean.map((m, i) => (beta?.[i] ?? 0) - m * scale[i]!);
      const y = a.g.op1('Mul', [a.ins[0]!, a.g.float(`${a.base}_scale`, [scale.length], scale)], {}, `${a.base}_mul`);
      return a.g.op1('Add', [y, a.g.float(`${a.base}_shift`, [shift.length], shift)], {}, a.base);
    },
  },
  LayerNormalization: {
    issues: normAxisIssues,
    emit(a) {
      const w = weightsOf(a.layer);
      const n = Number((a.layer.weights[0]?.shape ?? [0])[0]);
      const gamma = w.get('gamma') ? values(w.get('gamma')!) : new Float32Array(n).fill(1);
      const beta = w.get('beta') ? values(w.get('beta')!) : new Float32Array(n);
      return a.g.op1(
        'LayerNormalization',
        [a.ins[0]!, a.g.float(`${a.base}_gamma`, [gamma.length], gamma), a.g.float(`${a.base}_beta`, [beta.length], beta)],
        { axis: -1, epsilon: { float: Number(a.cfg.epsilon ?? 1e-3) } },
        a.base,
      );
    },
  },
  Embedding: {
    // A mask would change what the layers after it compute; the graph has none.
    issues: (cfg) => (cfg.mask_zero ? ['mask_zero=true (ONNX export carries no masks: the layers after it would see the padding)'] : []),
    emit(a) {
      const e = weightsOf(a.layer).get('embeddings')!;
      const idx = a.g.op1('Cast', [a.ins[0]!], { to: 7 }, `${a.base}_ids`);
      return a.g.op1('Gather', [a.g.float(`${a.base}_embeddings`, [...e.shape], values(e)), idx], { axis: 0 }, a.base);
    },
  },
  Add: merge('Sum'),
  Multiply: merge('Mul'),
  Average: {
    emit: (a) =>
      a.g.op1('Mul', [a.g.op1('Sum', a.ins, {}, `${a.base}_sum`), a.g.float(`${a.base}_inv`, [], [1 / a.ins.length])], {}, a.base),
  },
  Concatenate: { emit: (a) => a.g.op1('Concat', a.ins, { axis: Number(a.cfg.axis ?? -1) }, a.base) },
  LSTM: { issues: (c) => recurrentIssues('LSTM', c), emit: (a) => emitRecurrent(a.g, a.ins[0]!, 'LSTM', a.cfg, a.layer, a.base) },
  GRU: { issues: (c) => recurrentIssues('GRU', c), emit: (a) => emitRecurrent(a.g, a.ins[0]!, 'GRU', a.cfg, a.layer, a.base) },
  SimpleRNN: {
    issues: (c) => recurrentIssues('SimpleRNN', c),
    emit: (a) => emitRecurrent(a.g, a.ins[0]!, 'SimpleRNN', a.cfg, a.layer, a.base),
  },
  MultiHeadAttention: { issues: attentionIssues, emit: (a) => emitAttention(a.g, a.ins, a.layer, a.base) },
  Bidirectional: {
    issues: bidirectionalIssues,
    emit: (a) => emitBidirectional(a.g, a.ins[0]!, a.cfg, a.layer as Layer & { forward: Layer; backward: Layer }, a.base),
  },
};
