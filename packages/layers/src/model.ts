// LayersModel: a graph of layer applications from symbolic inputs to outputs,
// executed eagerly on tensors; also usable as a layer inside another model.
import { scalar, type Tensor } from '@wasmml/tensor';
import { fmt, type Shape } from './common.js';
import { Layer, type CallArgs, type LayerArgs, type LayerWeight } from './layer.js';
import { InputLayer } from './layers/input.js';
import type { SymbolicTensor, Node } from './symbolic.js';
import { compileModel, type ModelCompileArgs } from './training/compile.js';
import { evaluateModel, predictModel, type ModelPredictArgs } from './training/evaluate.js';
import {
  evaluateDatasetBatches,
  fitDatasetModel,
  fitModel,
  trainOnBatch,
  type BatchDataset,
  type ModelFitArgs,
  type ModelFitDatasetArgs,
} from './training/fit.js';
import type { ModelData } from './training/data.js';
import type { History } from './callbacks/base.js';
import { saveModel } from './io/save.js';
import type { IOHandler, SaveConfig, SaveResult } from './io/types.js';

/** Arguments of {@link model} (tfjs `ContainerArgs`). */
export interface ModelArgs {
  /** The model's inputs, made with {@link input}. */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The model's outputs: symbolic tensors computed from the inputs by applying layers. */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** Model name (default `model_<n>`). */
  name?: string;
}

/** Nodes needed to compute `outputs`, in an order where every node follows its inputs' nodes. */
function orderNodes(outputs: SymbolicTensor[]): Node[] {
  const order: Node[] = [];
  const state = new Map<Node, 1 | 2>();
  const visit = (n: Node) => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) throw new Error(`model: the graph has a cycle through layer ${n.layer.name}`);
    state.set(n, 1);
    for (const i of n.inputs) {
      if (!i.node) throw new Error(`model: symbolic tensor ${i.name} has no producing layer`);
      visit(i.node);
    }
    state.set(n, 2);
    order.push(n);
  };
  for (const o of outputs) {
    if (!o.node) throw new Error(`model: output ${o.name} has no producing layer`);
    visit(o.node);
  }
  return order;
}

/**
 * A model: a graph of layers from symbolic inputs to outputs, executed on tensors (tfjs `tf.LayersModel`); trains
 * with compile/fit, and can itself be used as a layer. Made by {@link model}, or as a {@link Sequential}.
 */
export class LayersModel extends Layer {
  /** Class name under which the model is saved ('Model'). */
  static readonly className: string = 'Model';
  /** The model's symbolic inputs. */
  inputs: SymbolicTensor[] = [];
  /** The model's symbolic outputs. */
  outputs: SymbolicTensor[] = [];
  /** Layers in execution order (inputs first), each once. */
  layers: Layer[] = [];
  /** Layer applications in execution order (every node after the nodes of its inputs). */
  protected nodes: Node[] = [];
  /** @internal Set by compile(). */
  compiled: import('./training/compile.js').CompiledState | undefined;
  /** Set to true by callbacks (earlyStopping) to end fit() after the current epoch. */
  stopTraining = false;

  constructor(args?: Partial<ModelArgs> & LayerArgs) {
    super(args?.name ? { name: args.name } : {});
    if (args?.inputs && args.outputs) this.initGraph(args.inputs, args.outputs);
  }

  getClassName() {
    return 'Model';
  }

  /** @internal */
  protected initGraph(inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[]): void {
    this.inputs = Array.isArray(inputs) ? inputs : [inputs];
    this.outputs = Array.isArray(outputs) ? outputs : [outputs];
    for (const i of this.inputs) {
      if (!(i.sourceLayer instanceof InputLayer)) {
        throw new Error(`model: input ${i.name} is not a model input (make it with input({shape}))`);
      }
    }
    this.nodes = orderNodes(this.outputs);
    const reached = new Set(this.nodes.filter((n) => n.layer instanceof InputLayer).map((n) => n.outputs[0]!.id));
    for (const i of this.inputs) {
      if (!reached.has(i.id)) throw new Error(`model: input ${i.name} does not lead to any output`);
    }
    for (const n of this.nodes) {
      if (n.layer instanceof InputLayer && !this.inputs.some((i) => i.id === n.outputs[0]!.id)) {
        throw new Error(`model: the outputs depend on input ${n.layer.name}, which is not listed in inputs`);
      }
    }
    const seen = new Set<Layer>();
    this.layers = [];
    for (const n of this.nodes) {
      if (!seen.has(n.layer)) {
        seen.add(n.layer);
        this.layers.push(n.layer);
      }
    }
    this.built = true;
  }

  /** Input shapes (batch dimension null). */
  get inputShape(): Shape | Shape[] {
    return this.inputs.length === 1 ? this.inputs[0]!.shape : this.inputs.map((i) => i.shape);
  }

  /** Output shapes (batch dimension null): one shape, or a list for several outputs. */
  get outputShape(): Shape | Shape[] {
    return this.outputs.length === 1 ? this.outputs[0]!.shape : this.outputs.map((o) => o.shape);
  }

  override computeOutputShape(): Shape | Shape[] {
    return this.outputShape;
  }

  /** Runs the graph on real tensors; returns one tensor per output. */
  execute(inputs: Tensor[], kwargs: CallArgs = {}): Tensor[] {
    if (inputs.length !== this.inputs.length) {
      throw new Error(`${this.name}: expected ${this.inputs.length} input tensor(s), got ${inputs.length}`);
    }
    const values = new Map<number, Tensor>();
    const masks = new Map<number, Tensor | null>();
    this.inputs.forEach((s, i) => {
      const t = inputs[i]!;
      const want = s.shape;
      if (t.rank !== want.length || want.some((d, k) => d !== null && d !== t.shape[k])) {
        throw new Error(`${this.name}: input ${i} (${s.name}) expects shape ${fmt(want)}, got ${fmt(t.shape)}`);
      }
      values.set(s.id, t);
    });
    for (const n of this.nodes) {
      if (n.layer instanceof InputLayer) continue;
      const ins = n.inputs.map((s) => values.get(s.id)!);
      const mask = n.inputs.length === 1 ? (masks.get(n.inputs[0]!.id) ?? null) : null;
      const callArgs: CallArgs = { ...n.kwargs, ...kwargs, ...(mask ? { mask } : {}) };
      const x = n.inputs.length === 1 ? ins[0]! : ins;
      const out = n.layer.apply(x, callArgs) as Tensor | Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      const outMask = n.layer.computeMask(x, mask);
      n.outputs.forEach((s, i) => {
        values.set(s.id, outs[i]!);
        masks.set(s.id, outMask);
      });
    }
    return this.outputs.map((o) => values.get(o.id)!);
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    const out = this.execute(Array.isArray(inputs) ? inputs : [inputs], kwargs);
    return out.length === 1 ? out[0]! : out;
  }

  /** Whether training updates the model's weights; setting it freezes or unfreezes every layer (as Keras does). */
  override get trainable(): boolean {
    return super.trainable;
  }
  override set trainable(v: boolean) {
    super.trainable = v;
    for (const l of this.layers) l.trainable = v;
  }

  /** All weights: every trainable weight (layer by layer), then every non-trainable one, as tfjs and Keras order them. */
  override get weights() {
    return this.namedWeights.map((w) => w.variable);
  }
  override get trainableWeights() {
    return this.trainable ? this.layers.flatMap((l) => l.trainableWeights) : [];
  }
  override get nonTrainableWeights() {
    return this.trainable ? this.layers.flatMap((l) => l.nonTrainableWeights) : this.layers.flatMap((l) => l.weights);
  }
  /** @internal In `weights` order, which getWeights/setWeights (base class) follow. */
  override get namedWeights() {
    const trainable: LayerWeight[] = [],
      frozen: LayerWeight[] = [];
    for (const l of this.layers) {
      const live = new Set(this.trainable ? l.trainableWeights : []);
      for (const w of l.namedWeights) (live.has(w.variable) ? trainable : frozen).push(w);
    }
    return [...trainable, ...frozen];
  }
  override countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }
  override regularizationLoss(): Tensor | undefined {
    let total: Tensor | undefined;
    for (const l of this.layers) {
      const r = l.regularizationLoss();
      if (r) total = total ? total.add(r) : r;
    }
    return total;
  }

  /** Sets the optimizer, loss(es) and metrics used by fit and evaluate. */
  compile(args: ModelCompileArgs): void {
    compileModel(this, args);
  }

  /** Trains for a number of epochs on tensors; resolves to the History of per-epoch logs. */
  fit(x: ModelData, y: ModelData, args?: ModelFitArgs): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** Trains on a dataset of {xs, ys} batches. */
  fitDataset(dataset: BatchDataset, args?: ModelFitDatasetArgs): Promise<History> {
    return fitDatasetModel(this, dataset, args);
  }

  /** Loss (and metrics) on data: a scalar or [loss, ...metrics] scalars. */
  evaluate(x: ModelData, y: ModelData, args?: ModelPredictArgs): Tensor | Tensor[] {
    return evaluateModel(this, x, y, args);
  }

  /** Loss and metrics over a dataset of {xs, ys} batches. */
  async evaluateDataset(dataset: BatchDataset): Promise<Tensor | Tensor[]> {
    const r = await evaluateDatasetBatches(this, dataset);
    const vals = [r.loss, ...Object.values(r.metrics)];
    return vals.length === 1 ? scalar(vals[0]!) : vals.map((v) => scalar(v));
  }

  /** Outputs for the inputs, computed in batches with training off. */
  predict(x: ModelData, args?: ModelPredictArgs): Tensor | Tensor[] {
    return predictModel(this, x, args);
  }

  /** Outputs for one batch (tfjs `predictOnBatch`). */
  predictOnBatch(x: ModelData): Tensor | Tensor[] {
    return predictModel(this, x, { batchSize: Number.MAX_SAFE_INTEGER });
  }

  /** One training step on one batch: the loss, or [loss, ...metrics]. */
  trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    return trainOnBatch(this, x, y);
  }

  /**
   * Saves the model in the TensorFlow.js layers format: model.json (topology,
   * weights manifest, integrity record) plus weight shards. `handlerOrURL` is
   * 'file://<dir>' (Node, Deno), 'indexeddb://<name>' or 'downloads://<name>'
   * (browsers), 'http(s)://...' (POST), or an IOHandler. With includeOptimizer
   * the loss, metrics, optimizer settings and optimizer state are saved too.
   */
  save(handlerOrURL: string | IOHandler, config?: SaveConfig): Promise<SaveResult> {
    return saveModel(this, handlerOrURL, config);
  }

  /** A layer by name or index. */
  getLayer(nameOrIndex: string | number): Layer {
    const l = typeof nameOrIndex === 'number' ? this.layers[nameOrIndex] : this.layers.find((x) => x.name === nameOrIndex);
    if (!l) throw new Error(`${this.name}.getLayer: no layer ${JSON.stringify(nameOrIndex)}`);
    return l;
  }

  /** Prints (or passes to printFn) a table of layers, output shapes and parameter counts. */
  summary(lineLength = 80, _positions?: number[], printFn: (line: string) => void = console.log): void {
    const cols = [Math.floor(lineLength * 0.4), Math.floor(lineLength * 0.35)];
    const row = (a: string, b: string, c: string) => printFn(a.padEnd(cols[0]!) + b.padEnd(cols[1]!) + c);
    printFn('_'.repeat(lineLength));
    row('Layer (type)', 'Output shape', 'Param #');
    printFn('='.repeat(lineLength));
    for (const l of this.layers) {
      const node = l.inboundNodes.find((n) => this.nodes.includes(n));
      const shape = node ? (node.outputs.length === 1 ? fmt(node.outputs[0]!.shape) : fmt(node.outputs.map((o) => o.shape))) : '?';
      row(`${l.name} (${l.getClassName()})`, shape, String(l.countParams()));
    }
    printFn('='.repeat(lineLength));
    const trainable = this.trainableWeights.reduce((n, w) => n + w.size, 0);
    printFn(`Total params: ${this.countParams()}`);
    printFn(`Trainable params: ${trainable}`);
    printFn(`Non-trainable params: ${this.countParams() - trainable}`);
    printFn('_'.repeat(lineLength));
  }

  override dispose(): void {
    for (const l of this.layers) l.dispose();
    this.compiled?.optimizer.dispose();
  }
}

/** Builds a functional model from symbolic inputs and outputs (tfjs `tf.model`). */
export function model(args: ModelArgs): LayersModel {
  return new LayersModel(args);
}
