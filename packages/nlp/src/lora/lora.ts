// LoRA (Hu et al. 2021; the semantics of Hugging Face PEFT): low-rank
// adapters W + (alpha/r)·A·B on chosen weights, the base frozen, only the
// adapters (and the layers put on top of a pretrained encoder) trained;
// merge folds A·B into W, unmerge takes it out again; adapter weights save
// and load apart from the base model.
import * as ops from '@wasmml/tensor';
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import type { Tensor, Variable } from '@wasmml/tensor';
import { Dense, type Layer, LayersModel, getActivation, type CallArgs } from '@wasmml/layers';
import { seededRandom } from '../training/random.js';
import { adapterOf, setAdapter, type LoraAdapter } from './registry.js';

/** Options of {@link addLora}. */
export interface LoraArgs {
  /** Rank r of the adapters. */
  rank: number;
  /** Scale numerator: the adapter adds (alpha / r)·A·B (default r, scale 1; PEFT's default alpha is 8). */
  alpha?: number;
  /** Dropout on the adapters' inputs while training (default 0). */
  dropout?: number;
  /**
   * Which kernels get adapters: regular expressions or substrings of weight
   * names ('h_0/attn/c_attn/kernel', 'dense_3/kernel'). Default: every
   * attention projection (query, key, value, output; GPT-2's c_attn and attn/c_proj).
   */
  targets?: Array<string | RegExp>;
  /** Seed of A's initial values and of the dropout. */
  seed?: number;
}

const DEFAULT_TARGETS = [
  /self_attention\/(query|key|value|attention_output)\/kernel$/,
  /\/(query|key|value|attention_output)\/kernel$/,
  /attn\/c_attn\/kernel$/,
  /attn\/c_proj\/kernel$/,
];

// Variable names are global; a second model's adapters get a _N suffix.
function freeName(name: string): string {
  const taken = ops.registeredVariables();
  if (!taken.has(name)) return name;
  let i = 1;
  while (taken.has(`${name}_${i}`)) i++;
  return `${name}_${i}`;
}

interface Owned {
  layer: Layer;
  name: string;
  variable: Variable;
}

function allLayers(model: LayersModel): Layer[] {
  return model.layers.flatMap((l) => (l instanceof LayersModel ? [l, ...allLayers(l)] : [l]));
}

function kernelsOf(layers: Layer[]): Owned[] {
  return layers
    .filter((l) => !(l instanceof LayersModel))
    .flatMap((layer) =>
      layer.namedWeights.filter((w) => w.variable.rank === 2).map((w) => ({ layer, name: w.originalName, variable: w.variable })),
    );
}

// Dense applies its activation inside call; the adapter's term goes in before it.
function patchDense(layer: Dense): void {
  const own = layer as unknown as { call: (inputs: Tensor | Tensor[], kwargs: CallArgs) => Tensor };
  const activation = getActivation(layer.activation);
  own.call = (inputs: Tensor | Tensor[], kwargs: CallArgs) => {
    const x = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
    const w = layer.kernel as Tensor;
    const lora = adapterOf(w);
    const d = x.shape[x.rank - 1] as number,
      n = w.shape[1] as number;
    const flat = ops.reshape(x, [-1, d]);
    let y = ops.fusedMatMul({ a: flat, b: w, ...(layer.bias ? { bias: layer.bias } : {}) });
    if (lora && !lora.merged) {
      const input = kwargs.training && lora.dropout > 0 ? ops.dropout(flat, lora.dropout, undefined, lora.seed) : flat;
      y = ops.add(y, ops.mul(ops.matMul(ops.matMul(input, lora.a), lora.b), lora.scale));
    }
    return activation(ops.reshape(y, [...x.shape.slice(0, -1), n]));
  };
}

// The adapters are trained through their host layer, even when the host's own weights are frozen.
function exposeAdapters(layer: Layer, extra: () => Variable[]): void {
  let base: (() => Variable[]) | undefined;
  for (let p: object | null = Object.getPrototypeOf(layer); p && !base; p = Object.getPrototypeOf(p)) {
    base = Object.getOwnPropertyDescriptor(p, 'trainableWeights')?.get as (() => Variable[]) | undefined;
  }
  Object.defineProperty(layer, 'trainableWeights', {
    configurable: true,
    get: () => [...(base?.call(layer) ?? []), ...extra()],
  });
}

/** An adapter with its variables and the weight it adapts. */
export interface AttachedAdapter extends LoraAdapter {
  /** The adapted weight. */
  target: Variable;
  /** A [in, r]. */
  a: Variable;
  /** B [r, out]. */
  b: Variable;
}

/** Adapter weights by name: shape and values. */
export type LoraState = Record<string, LoraTensor>;

/** One adapter matrix. */
export interface LoraTensor {
  /** Dimensions. */
  shape: number[];
  /** Values. */
  data: Float32Array;
}

/** Adapters attached to one model by {@link addLora}. */
export class LoraAdapters {
  /** Every adapter, by the name of the weight it adapts. */
  readonly adapters = new Map<string, AttachedAdapter>();

  /** Layers whose trainableWeights / call were patched (restored by remove). */
  readonly patched = new Set<Layer>();

  constructor(
    /** The model the adapters are on. */
    readonly model: LayersModel,
    private readonly frozen: Layer[],
  ) {}

  /** Number of adapter weights. */
  get adapterParameterCount(): number {
    let n = 0;
    for (const a of this.adapters.values()) n += a.a.size + a.b.size;
    return n;
  }

  /** Folds scale·A·B into each adapted weight: inference then costs what the base model costs. */
  merge(): void {
    for (const a of this.adapters.values()) {
      if (a.merged) continue;
      ops.tidy(() => a.target.assign(ops.add(a.target, ops.mul(ops.matMul(a.a, a.b), a.scale))));
      a.merged = true;
    }
  }

  /** Takes the merged scale·A·B out of each weight again. */
  unmerge(): void {
    for (const a of this.adapters.values()) {
      if (!a.merged) continue;
      ops.tidy(() => a.target.assign(ops.sub(a.target, ops.mul(ops.matMul(a.a, a.b), a.scale))));
      a.merged = false;
    }
  }

  /** The adapter weights by name (`<weight>/lora_A`, `<weight>/lora_B`), copied out. */
  state(): LoraState {
    const out: LoraState = {};
    for (const [name, a] of this.adapters) {
      out[`${name}/lora_A`] = { shape: [...a.a.shape], data: Float32Array.from(a.a.dataSync() as Float32Array) };
      out[`${name}/lora_B`] = { shape: [...a.b.shape], data: Float32Array.from(a.b.dataSync() as Float32Array) };
    }
    return out;
  }

  /** Sets adapter weights from {@link LoraAdapters.state} output; every adapter must be there with its shape. */
  loadState(state: Record<string, { shape: number[]; data: ArrayLike<number> }>): void {
    const problems: string[] = [];
    for (const [name, a] of this.adapters) {
      for (const [k, v] of [
        ['lora_A', a.a],
        ['lora_B', a.b],
      ] as const) {
        const s = state[`${name}/${k}`];
        if (!s) problems.push(`${name}/${k}: missing`);
        else if (s.shape.join() !== v.shape.join()) problems.push(`${name}/${k}: shape [${s.shape}], expected [${v.shape}]`);
      }
    }
    if (problems.length) throw new Error(`LoraAdapters.loadState: the state does not fit these adapters:\n  ${problems.join('\n  ')}`);
    const wasMerged = [...this.adapters.values()].some((a) => a.merged);
    if (wasMerged) this.unmerge();
    for (const [name, a] of this.adapters) {
      for (const [k, v] of [
        ['lora_A', a.a],
        ['lora_B', a.b],
      ] as const) {
        const s = state[`${name}/${k}`] as { shape: number[]; data: ArrayLike<number> };
        ops.tidy(() => v.assign(ops.tensor(Float32Array.from(s.data), s.shape)));
      }
    }
    if (wasMerged) this.merge();
  }

  /** Detaches the adapters (unmerged first) and unfreezes the base. */
  remove(): void {
    this.unmerge();
    for (const a of this.adapters.values()) {
      setAdapter(a.target, undefined);
      ops.dispose([a.a, a.b]);
    }
    this.adapters.clear();
    for (const l of this.patched) {
      delete (l as unknown as Record<string, unknown>).trainableWeights;
      delete (l as unknown as Record<string, unknown>).call;
    }
    this.patched.clear();
    for (const l of this.frozen) l.trainable = true;
  }
}

const LORA_KEYS: OptionKeys<LoraArgs> = { rank: true, alpha: true, dropout: true, targets: true, seed: true };

/**
 * Adds rank-r adapters to `model`'s chosen kernels and freezes its base: the
 * layers of every pretrained part (the model itself when it is a GptModel or
 * BertModel, else its nested models), so a head put on top still trains.
 */
export function addLora(model: LayersModel, args: LoraArgs): LoraAdapters {
  checkOptions('addLora', args, LORA_KEYS);
  const r = args.rank;
  if (!Number.isInteger(r) || r < 1) throw new Error(`addLora: rank must be a positive integer, got ${r}`);
  const dropout = args.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`addLora: dropout must be in [0, 1), got ${dropout}`);
  const alpha = args.alpha ?? r;
  const targets = args.targets ?? DEFAULT_TARGETS;
  const matches = (name: string) => targets.some((t) => (typeof t === 'string' ? name.includes(t) : t.test(name)));
  const nested = model.layers.filter((l): l is LayersModel => l instanceof LayersModel);
  const base = nested.length > 0 ? nested.flatMap(allLayers) : allLayers(model);
  const chosen = kernelsOf(allLayers(model)).filter((k) => matches(k.name));
  if (chosen.length === 0) {
    throw new Error(
      `addLora: no kernel of ${model.name} matches the targets ${targets.map(String).join(', ')} ` +
        `(kernels: ${
          kernelsOf(allLayers(model))
            .map((k) => k.name)
            .join(', ') || 'none: build the model first'
        })`,
    );
  }
  for (const k of chosen) {
    if (adapterOf(k.variable)) throw new Error(`addLora: ${k.name} already has an adapter`);
  }
  const random = seededRandom(args.seed ?? 0);
  const set = new LoraAdapters(
    model,
    base.filter((l) => l.trainable),
  );
  for (const k of chosen) {
    const [inDim, outDim] = k.variable.shape as [number, number];
    const bound = 1 / Math.sqrt(inDim); // kaiming_uniform(a = sqrt 5), as PEFT initialises A
    const aInit = Float32Array.from({ length: inDim * r }, () => (2 * random() - 1) * bound);
    const a = ops.variable(ops.tensor(aInit, [inDim, r]), true, freeName(`${k.name}/lora_A`));
    const b = ops.variable(ops.zeros([r, outDim]), true, freeName(`${k.name}/lora_B`));
    const adapter = { name: k.name, a, b, scale: alpha / r, dropout, seed: args.seed, merged: false, target: k.variable };
    setAdapter(k.variable, adapter);
    set.adapters.set(k.name, adapter);
    if (k.layer instanceof Dense) patchDense(k.layer);
  }
  const hosts = new Set(chosen.map((k) => k.layer));
  for (const host of hosts) {
    const mine = [...set.adapters.values()].filter((a) => chosen.some((k) => k.layer === host && k.variable === a.target));
    exposeAdapters(host, () => mine.flatMap((a) => (a.merged ? [] : [a.a, a.b])));
    set.patched.add(host);
  }
  for (const l of base) l.trainable = false;
  return set;
}
