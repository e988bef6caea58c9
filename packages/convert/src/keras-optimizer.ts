// The compile settings and optimizer state in a .keras file, both ways, for
// the optimizers both sides have (keras-optimizers.ts): config.json's
// compile_config, and `optimizer/vars` in model.weights.h5, whose slot
// variables follow Keras's model.trainable_variables: its layer order, each
// layer's trainable weights, in Keras's shapes (kerasWeightSlots).
import type { LayersModel } from '@wasmml/layers';
import type { NamedTensor } from '@wasmml/optimizers';
import { scalar, tensor, type Variable } from '@wasmml/tensor';
import type { H5Reader, H5Writer } from './hdf5.js';
import { kerasOptimizerOf, type OptimizerMap, optimizerFromKeras } from './keras-optimizers.js';
import { kerasWeightSlots } from './keras-weights.js';
import { pyFloats } from './python-json.js';

type Json = Record<string, unknown>;

/** Loss names Keras 3 and wasmml both have, ours -> Keras. */
const LOSSES: Record<string, string> = {
  meanSquaredError: 'mean_squared_error',
  meanAbsoluteError: 'mean_absolute_error',
  binaryCrossentropy: 'binary_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  huber: 'huber',
  logcosh: 'log_cosh',
  hinge: 'hinge',
  kullbackLeiblerDivergence: 'kl_divergence',
};
const KERAS_LOSSES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(LOSSES).map(([a, b]) => [b, a])),
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  kld: 'kullbackLeiblerDivergence',
};

/** Trainable variables in Keras's model.trainable_variables order, with the shape Keras stores each in. */
function trainableOrder(model: LayersModel): Array<{ v: Variable; shape: number[] }> {
  return kerasWeightSlots(model)
    .slots.map((s) => ({ v: s.layer.weights[s.index]!, shape: s.kerasShape, layer: s.layer }))
    .filter(({ v, layer }) => layer.trainableWeights.includes(v))
    .map(({ v, shape }) => ({ v, shape: shape ?? [...v.shape] }));
}

/** Dataset index of each slot: `visit(group slot, variable index, dataset index)` in Keras's order. */
function slotIndices(
  map: OptimizerMap,
  count: number,
  visit: (slot: OptimizerMap['groups'][number][number], i: number, at: number) => void,
) {
  let at = 2;
  for (const group of map.groups) {
    for (let i = 0; i < count; i++) group.forEach((slot, j) => visit(slot, i, at + i * group.length + j));
    at += count * group.length;
  }
}

/**
 * compile_config for config.json and the writer of the optimizer datasets, when the model is compiled with one
 * named loss and an optimizer Keras has; undefined (the file carries no training state) otherwise.
 */
export async function kerasCompileState(model: LayersModel): Promise<{ compileConfig: Json; write: (h5: H5Writer) => void } | undefined> {
  const c = model.compiled;
  if (c?.losses.length !== 1) return undefined;
  const lossObj = c.losses[0] as { name?: string; fromLogits?: boolean };
  const loss = LOSSES[lossObj.name ?? ''];
  if (!loss || lossObj.fromLogits) return undefined;
  const map = kerasOptimizerOf(c.optimizer);
  if (typeof map === 'string') return undefined;
  const lr = c.optimizer.learningRate;
  const state = await c.optimizer.getWeights();
  const byName = new Map(state.map((s) => [s.name, s.tensor]));
  const compileConfig: Json = {
    optimizer: { module: 'keras.optimizers', class_name: map.keras, registered_name: null, config: pyFloats(map.config) },
    loss,
    loss_weights: null,
    metrics: null,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
  const write = (h5: H5Writer) => {
    const name = String(map.config.name);
    h5.group('optimizer/vars');
    h5.attr('optimizer/vars', 'name', name);
    h5.dataset('optimizer/vars/0', [], new Float32Array([c.optimizer.iterations]));
    h5.dataset('optimizer/vars/1', [], new Float32Array([lr]));
    const vars = trainableOrder(model);
    slotIndices(map, vars.length, (slot, i, at) => {
      const { v, shape } = vars[i]!;
      const t = byName.get(`${v.name}/slot${slot.ours}`);
      const ours = t ? (t.dataSync() as Float32Array) : new Float32Array(v.size).fill(map.slotInit);
      h5.dataset(`optimizer/vars/${at}`, shape, slot.toKeras ? slot.toKeras(ours, lr) : ours);
    });
    for (const s of state) s.tensor.dispose();
  };
  return { compileConfig, write };
}

/**
 * Compiles the model as config.json's compile_config says and restores the optimizer's state. What cannot be
 * carried over (a loss or optimizer setting wasmml lacks) leaves the model uncompiled, with a warning naming it, as
 * Keras does when it cannot restore an optimizer.
 */
export async function restoreKerasCompile(model: LayersModel, compileConfig: unknown, h5: H5Reader, what: string): Promise<void> {
  const cc = compileConfig as { optimizer?: { class_name?: string; config?: Json } | string; loss?: unknown } | null | undefined;
  if (!cc) return;
  const warn = (why: string) =>
    console.warn(`loadKerasModel: ${what}: the model is loaded uncompiled (compile it before training): ${why}`);
  if (typeof cc.loss !== 'string' || !KERAS_LOSSES[cc.loss]) return warn(`loss ${JSON.stringify(cc.loss)} is not one wasmml carries over`);
  const opt = typeof cc.optimizer === 'string' ? { class_name: cc.optimizer, config: {} } : cc.optimizer;
  const made = optimizerFromKeras(String(opt?.class_name), opt?.config ?? {});
  if (Array.isArray(made)) return warn(`its optimizer ${String(opt?.class_name)} has ${made.join(', ')}`);
  const { optimizer, map } = made;
  model.compile({ optimizer, loss: KERAS_LOSSES[cc.loss]! });
  if (!h5.has('optimizer/vars/0')) return;
  const lr = optimizer.learningRate;
  const vars = trainableOrder(model);
  const named: NamedTensor[] = [{ name: 'iter', tensor: scalar(h5.array('optimizer/vars/0').values[0]!, 'int32') }];
  try {
    slotIndices(map, vars.length, (slot, i, at) => {
      const { v, shape } = vars[i]!;
      const a = h5.array(`optimizer/vars/${at}`);
      if (a.values.length !== v.size)
        throw new Error(
          `loadKerasModel: ${what}: optimizer/vars/${at} has shape [${a.shape.join(', ')}], expected [${shape.join(', ')}] (${map.keras} ${slot.name} of ${v.name})`,
        );
      const values = slot.fromKeras ? slot.fromKeras(a.values, lr) : a.values;
      named.push({ name: `${v.name}/slot${slot.ours}`, tensor: tensor(values, [...v.shape]) });
    });
    await optimizer.setWeights(named);
  } finally {
    for (const n of named) n.tensor.dispose();
  }
}
