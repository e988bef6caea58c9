// Magnitude pruning (Zhu & Gupta 2017; TFMOT `prune_low_magnitude`): at the
// steps a schedule names, the smallest-magnitude kernel weights — per layer or
// over all pruned layers at once — get a zero mask; the masks are multiplied
// into the weights before and after every optimizer step, so pruned weights
// stay zero whatever the optimizer's momentum says.
import { Callback, type Layer, type LayersModel, type Logs } from '@wasmml/layers';
import { keep, mul, tensor, tidy, type Tensor, type Variable } from '@wasmml/tensor';
import { describeLayer, kernelWeights, pickLayers } from '../common.js';
import type { PruningSchedule } from './schedule.js';

/** Options of {@link pruneLowMagnitude}. */
export interface PruneOptions {
  /** When and how much to prune ({@link constantSparsity}, {@link polynomialDecay}). */
  schedule: PruningSchedule;
  /** Names of the layers to prune (default: every layer with a kernel — Dense, Conv, Embedding, recurrent). */
  layers?: string[];
  /** 'layer' (default): each kernel reaches the sparsity on its own; 'global': one magnitude threshold over all of them. */
  scope?: 'layer' | 'global';
}

/** What {@link Pruning.sparsity} reports. */
export interface PruningSparsity {
  /** Zero fraction over every pruned kernel together. */
  overall: number;
  /** Zero fraction of each pruned kernel, by `<layer>/<weight>` name. */
  weights: Record<string, number>;
}

interface Pruned {
  layer: Layer;
  variable: Variable;
  mask: Tensor;
}

const active = new WeakMap<LayersModel, Pruning>();

/**
 * The pruning state of a model: its masks, the step count and the callback
 * that applies the schedule during `fit`. Made by {@link pruneLowMagnitude}.
 */
export class Pruning {
  /** The model being pruned. */
  readonly model: LayersModel;
  /** The schedule driving the masks. */
  readonly schedule: PruningSchedule;
  /** 'layer' or 'global' thresholds. */
  readonly scope: 'layer' | 'global';
  /** Optimizer steps seen so far (the schedule's step). */
  step = 0;
  private readonly pruned: Pruned[];

  /** @internal */
  constructor(model: LayersModel, opts: PruneOptions, pruned: Pruned[]) {
    this.model = model;
    this.schedule = opts.schedule;
    this.scope = opts.scope ?? 'layer';
    this.pruned = pruned;
  }

  /** The callback to pass to `fit` / `fitDataset` (TFMOT `UpdatePruningStep`). */
  callback(): Callback {
    return new PruningCallback(this);
  }

  /** Recomputes the masks so that `sparsity` of the pruned weights are zero, and applies them. */
  pruneTo(sparsity: number): void {
    if (this.scope === 'global') {
      const all = this.pruned.map((p) => p.variable.dataSync() as Float32Array);
      const threshold = magnitudeThreshold(all, sparsity);
      this.pruned.forEach((p, i) => this.setMask(p, all[i]!, threshold));
    } else {
      for (const p of this.pruned) {
        const w = p.variable.dataSync() as Float32Array;
        this.setMask(p, w, magnitudeThreshold([w], sparsity));
      }
    }
    this.applyMasks();
  }

  /** Multiplies the masks into the weights. */
  applyMasks(): void {
    for (const p of this.pruned) {
      const masked = tidy(() => mul(p.variable, p.mask));
      p.variable.assign(masked); // assign copies the values
      masked.dispose();
    }
  }

  /** Fraction of zero weights per pruned kernel (by saved name) and over all of them. */
  sparsity(): PruningSparsity {
    let zeros = 0,
      total = 0;
    const weights: Record<string, number> = {};
    for (const p of this.pruned) {
      const w = p.variable.dataSync() as Float32Array;
      let z = 0;
      for (let i = 0; i < w.length; i++) if (w[i] === 0) z++;
      weights[`${p.layer.name}/${p.variable.name.split('/').pop()}`] = z / w.length;
      zeros += z;
      total += w.length;
    }
    return { overall: total === 0 ? 0 : zeros / total, weights };
  }

  /** @internal */
  dispose(): void {
    for (const p of this.pruned) p.mask.dispose();
    this.pruned.length = 0;
  }

  private setMask(p: Pruned, w: Float32Array, threshold: number): void {
    const m = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) m[i] = Math.abs(w[i]!) > threshold ? 1 : 0;
    p.mask.dispose();
    p.mask = keep(tensor(m, p.variable.shape));
  }
}

// The largest |w| that is pruned: the k-th smallest magnitude, k = floor(sparsity * n); -1 prunes nothing.
function magnitudeThreshold(arrays: Float32Array[], sparsity: number): number {
  const n = arrays.reduce((s, a) => s + a.length, 0);
  const k = Math.floor(sparsity * n);
  if (k === 0) return -1;
  const mags = new Float32Array(n);
  let o = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) mags[o++] = Math.abs(a[i]!);
  mags.sort();
  return mags[k - 1]!;
}

class PruningCallback extends Callback {
  constructor(private readonly pruning: Pruning) {
    super();
  }

  override async onBatchBegin(): Promise<void> {
    const s = this.pruning.schedule.sparsityAt(this.pruning.step);
    if (s !== undefined) this.pruning.pruneTo(s);
    else this.pruning.applyMasks();
  }

  override async onBatchEnd(_batch: number, _logs?: Logs): Promise<void> {
    this.pruning.applyMasks();
    this.pruning.step++;
  }
}

/**
 * Starts magnitude pruning of a built model's kernels: returns the
 * {@link Pruning} whose `callback()` goes to `fit`. Nothing changes until the
 * schedule's first step. Throws, leaving the model as it was, for a named
 * layer with no kernel or a model that is already being pruned.
 */
export function pruneLowMagnitude(model: LayersModel, opts: PruneOptions): Pruning {
  const op = 'pruneLowMagnitude';
  if (!opts || typeof opts.schedule?.sparsityAt !== 'function') {
    throw new Error(`${op}: options.schedule must be a pruning schedule (constantSparsity(...) or polynomialDecay(...))`);
  }
  if (opts.scope !== undefined && opts.scope !== 'layer' && opts.scope !== 'global') {
    throw new Error(`${op}: scope must be 'layer' or 'global', got '${String(opts.scope)}'`);
  }
  if (active.has(model)) throw new Error(`${op}: model ${model.name} is already being pruned (call stripPruning first)`);
  if (!model.built) throw new Error(`${op}: model ${model.name} is not built yet (give the first layer an inputShape)`);
  const layers = pickLayers(model, opts.layers, op);
  const chosen: Array<{ layer: Layer; variable: Variable }> = [];
  for (const layer of layers) {
    const ks = kernelWeights(layer);
    if (ks.length === 0) {
      if (opts.layers !== undefined) {
        throw new Error(`${op}: ${describeLayer(layer)} has no kernel to prune (expected a Dense, Conv, Embedding or recurrent layer)`);
      }
      continue;
    }
    for (const k of ks) chosen.push({ layer, variable: k.variable });
  }
  if (chosen.length === 0) throw new Error(`${op}: model ${model.name} has no layer with a kernel to prune`);
  const pruned = chosen.map((c) => ({ ...c, mask: keep(tensor(new Float32Array(c.variable.size).fill(1), c.variable.shape)) }));
  const p = new Pruning(model, opts, pruned);
  active.set(model, p);
  return p;
}

/**
 * Ends pruning (TFMOT `strip_pruning`): applies the masks one last time and
 * frees them; the model keeps its zeros and trains normally from then on.
 * Returns the model.
 */
export function stripPruning(model: LayersModel): LayersModel {
  const p = active.get(model);
  if (p) {
    p.applyMasks();
    p.dispose();
    active.delete(model);
  }
  return model;
}

/** Fraction of exactly-zero values over the kernels of a model's layers (pruned or not). */
export function modelSparsity(model: LayersModel): number {
  let zeros = 0,
    total = 0;
  for (const layer of pickLayers(model, undefined, 'modelSparsity')) {
    for (const k of kernelWeights(layer)) {
      const w = k.variable.dataSync() as Float32Array;
      for (let i = 0; i < w.length; i++) if (w[i] === 0) zeros++;
      total += w.length;
    }
  }
  return total === 0 ? 0 : zeros / total;
}
