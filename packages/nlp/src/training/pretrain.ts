// Self-supervised pre-training of a TextClassifier's encoder on unlabelled
// token ids: next-token prediction (recurrent encoders, which read left to
// right) or masked-token prediction (transformer and bag of embeddings, which
// see the whole text). A temporary softmax head over the vocabulary is trained
// with the encoder and thrown away; only a sample of positions per sequence is
// predicted, so the [positions, vocabulary] logits stay small.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { getInitializer } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import type { TextClassifier } from '../models/text-classifier.js';
import { seededRandom, shuffleInPlace } from './random.js';

/** Pre-training objectives. */
export type PretrainObjective = 'next-token' | 'masked-token';

/** Options of {@link pretrainTextEncoder}. */
export interface PretrainArgs {
  /** Default: 'next-token' for 'lstm' / 'gru', 'masked-token' otherwise. */
  objective?: PretrainObjective;
  /** Passes over the texts (default 1). */
  epochs?: number;
  /** Texts per batch (default 32). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Positions predicted per sequence and batch (default 20). */
  targetsPerSequence?: number;
  /** masked-token: fraction of tokens hidden (default 0.15, at most targetsPerSequence). */
  maskRate?: number;
  /** masked-token: the id that replaces hidden tokens (default 1, the vectorizer's OOV id). */
  maskId?: number;
  /** Seed of the shuffles and sampled positions. */
  seed?: number;
  /** Called after each epoch with its mean loss. */
  onEpochEnd?: (epoch: number, loss: number) => void | Promise<void>;
}

function uniqueName(base: string): string {
  const taken = ops.registeredVariables();
  let i = 0;
  while (taken.has(`${base}_${i}`)) i++;
  return `${base}_${i}`;
}

/** What pre-training reports. */
export interface PretrainResult {
  /** Mean loss of each epoch. */
  loss: number[];
}

/** One batch of the objective: encoder input, flat positions to predict and their target ids. */
function makeBatch(
  ids: Int32Array,
  T: number,
  rows: number[],
  objective: PretrainObjective,
  k: number,
  maskRate: number,
  maskId: number,
  random: () => number,
): { x: Int32Array; pos: number[]; target: number[] } {
  const x = new Int32Array(rows.length * T);
  const pos: number[] = [],
    target: number[] = [];
  rows.forEach((r, b) => {
    const src = ids.subarray(r * T, (r + 1) * T);
    x.set(src, b * T);
    const cand: number[] = [];
    if (objective === 'next-token') {
      for (let t = 0; t + 1 < T; t++) if (src[t] !== 0 && src[t + 1] !== 0) cand.push(t);
    } else {
      for (let t = 0; t < T; t++) if (src[t] !== 0) cand.push(t);
    }
    const want = objective === 'next-token' ? k : Math.min(k, Math.max(1, Math.round(cand.length * maskRate)));
    for (const t of shuffleInPlace(cand, random).slice(0, want)) {
      pos.push(b * T + t);
      if (objective === 'next-token') target.push(src[t + 1]!);
      else {
        target.push(src[t]!);
        x[b * T + t] = maskId;
      }
    }
  });
  return { x, pos, target };
}

/**
 * Pre-trains the encoder of `model` on token ids [n, T] (int32; 0 = padding).
 * Resolves to the mean loss of each epoch.
 */
export async function pretrainTextEncoder(
  model: TextClassifier,
  ids: Tensor | { data: Int32Array; length: number },
  args: PretrainArgs = {},
): Promise<PretrainResult> {
  const kind = model.options.encoder;
  const objective = args.objective ?? (kind === 'lstm' || kind === 'gru' ? 'next-token' : 'masked-token');
  if (objective === 'next-token' && kind !== 'lstm' && kind !== 'gru') {
    throw new Error(
      `pretrainTextEncoder: 'next-token' needs a left-to-right encoder ('lstm' or 'gru'); '${kind}' sees the whole text, use 'masked-token'`,
    );
  }
  if (objective !== 'next-token' && objective !== 'masked-token') throw new Error(`pretrainTextEncoder: unknown objective '${objective}'`);
  const { data, T } =
    ids instanceof ops.Tensor
      ? ids.rank === 2
        ? { data: Int32Array.from(ids.dataSync()), T: ids.shape[1]! }
        : (() => {
            throw new Error(`pretrainTextEncoder: ids must be [n, T], got [${ids.shape}]`);
          })()
      : { data: ids.data, T: ids.length };
  const n = data.length / T;
  const V = model.options.vocabSize,
    d = model.featureDim;
  const epochs = args.epochs ?? 1,
    batchSize = args.batchSize ?? 32,
    k = args.targetsPerSequence ?? 20;
  const random = seededRandom(args.seed ?? 0);
  const glorot = getInitializer('glorotUniform');
  // variable() copies its initial value.
  const w0 = ops.tidy(() => glorot.apply([d, V], 'float32')),
    b0 = ops.zeros([V]);
  const W = ops.variable(w0, true, uniqueName('pretrain_head/kernel')),
    b = ops.variable(b0, true, uniqueName('pretrain_head/bias'));
  ops.dispose([w0, b0]);
  const optimizer = adam(args.learningRate ?? 1e-3);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffleInPlace(
        Array.from({ length: n }, (_, i) => i),
        random,
      );
      let sum = 0,
        count = 0;
      for (let s = 0; s < n; s += batchSize) {
        const rows = order.slice(s, s + batchSize);
        const batch = makeBatch(data, T, rows, objective, k, args.maskRate ?? 0.15, args.maskId ?? 1, random);
        if (batch.pos.length === 0) continue;
        const vars = [...model.encoderLayers.flatMap((l) => l.trainableWeights), W, b];
        const cost = optimizer.minimize(
          () => {
            const feats = model.encode(ops.tensor(batch.x, [rows.length, T], 'int32'), true);
            const Tf = feats.shape[1]!;
            // The bag of embeddings has one feature row per text: every target of a text reads it.
            const at = Tf === T ? batch.pos : batch.pos.map((p) => Math.floor(p / T));
            const picked = ops.gather(ops.reshape(feats, [rows.length * Tf, d]), ops.tensor(at, [at.length], 'int32'), 0);
            const logits = ops.fusedMatMul({ a: picked, b: W, bias: b });
            return ops.mean(ops.sparseSoftmaxCrossEntropyWithLogits(ops.tensor(batch.target, [batch.target.length], 'int32'), logits));
          },
          true,
          vars,
        )!;
        sum += cost.dataSync()[0]!;
        cost.dispose();
        count++;
        // Let timers and I/O run between batches.
        await new Promise((r) => setTimeout(r, 0));
      }
      losses.push(count ? sum / count : NaN);
      await args.onEpochEnd?.(epoch, losses[losses.length - 1]!);
    }
  } finally {
    optimizer.dispose();
    W.dispose();
    b.dispose();
  }
  return { loss: losses };
}
