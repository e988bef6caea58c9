// Adam's state in a .keras file. Keras 3 keeps `optimizer/vars/0` (iterations)
// and `1` (learning rate), then one momentum and one velocity per trainable
// variable, interleaved, in the order of model.trainable_variables (its layer
// order, each layer's trainable weights). Ours keeps them as slots 0 and 1 of
// each variable. Adam is the optimizer whose update both sides compute the same
// way (epsilon outside the square root, bias correction folded into the step).
import { InputLayer, type Layer, LayersModel } from '@wasmml/layers';
import { adam, type NamedTensor } from '@wasmml/optimizers';
import { scalar, tensor, type Variable } from '@wasmml/tensor';
import type { H5Reader, H5Writer } from './hdf5.js';
import { kerasLayerOrder } from './keras-layer-order.js';

type Json = Record<string, unknown>;

/** Keras's model.trainable_variables order. */
function trainableOrder(model: LayersModel, out: Variable[] = []): Variable[] {
  for (const l of kerasLayerOrder(model) as Layer[]) {
    if (l instanceof InputLayer) continue;
    if (l instanceof LayersModel) trainableOrder(l, out);
    else out.push(...l.trainableWeights);
  }
  return out;
}

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

/** compile_config for config.json and the optimizer datasets, when the model is compiled with Adam and one named loss. */
export async function kerasCompileState(model: LayersModel): Promise<{ compileConfig: Json; write: (h5: H5Writer) => void } | undefined> {
  const c = model.compiled;
  if (c?.optimizer.getClassName() !== 'Adam' || c.losses.length !== 1) return undefined;
  const lossObj = c.losses[0] as { name?: string; fromLogits?: boolean };
  const loss = LOSSES[lossObj.name ?? ''];
  if (!loss || lossObj.fromLogits) return undefined;
  const opt = c.optimizer as unknown as { beta1: number; beta2: number; epsilon: number; learningRate: number; iterations: number };
  const state = await c.optimizer.getWeights();
  const byName = new Map(state.map((s) => [s.name, s.tensor]));
  const compileConfig: Json = {
    optimizer: {
      module: 'keras.optimizers',
      class_name: 'Adam',
      registered_name: null,
      config: { name: 'adam', learning_rate: opt.learningRate, beta_1: opt.beta1, beta_2: opt.beta2, epsilon: opt.epsilon, amsgrad: false },
    },
    loss,
    loss_weights: null,
    metrics: null,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
  const write = (h5: H5Writer) => {
    h5.group('optimizer/vars');
    h5.attr('optimizer/vars', 'name', 'adam');
    h5.dataset('optimizer/vars/0', [], new Float32Array([opt.iterations]));
    h5.dataset('optimizer/vars/1', [], new Float32Array([opt.learningRate]));
    trainableOrder(model).forEach((v, i) => {
      for (const slot of [0, 1]) {
        const t = byName.get(`${v.name}/slot${slot}`);
        h5.dataset(`optimizer/vars/${2 + 2 * i + slot}`, [...v.shape], t ? (t.dataSync() as Float32Array) : new Float32Array(v.size));
      }
    });
    for (const s of state) s.tensor.dispose();
  };
  return { compileConfig, write };
}

/** Compiles the model as config.json's compile_config says and restores Adam's state; other optimizers leave it uncompiled. */
export async function restoreKerasCompile(model: LayersModel, compileConfig: unknown, h5: H5Reader): Promise<void> {
  const cc = compileConfig as { optimizer?: { class_name?: string; config?: Json }; loss?: unknown } | null | undefined;
  if (cc?.optimizer?.class_name !== 'Adam' || typeof cc.loss !== 'string' || !KERAS_LOSSES[cc.loss]) return;
  const o = cc.optimizer.config ?? {};
  const lr = typeof o.learning_rate === 'number' ? o.learning_rate : 0.001;
  const optimizer = adam(lr, Number(o.beta_1 ?? 0.9), Number(o.beta_2 ?? 0.999), Number(o.epsilon ?? 1e-7));
  model.compile({ optimizer, loss: KERAS_LOSSES[cc.loss]! });
  if (!h5.has('optimizer/vars/0')) return;
  const vars = trainableOrder(model);
  const named: NamedTensor[] = [{ name: 'iter', tensor: scalar(h5.array('optimizer/vars/0').values[0]!, 'int32') }];
  try {
    vars.forEach((v, i) => {
      for (const slot of [0, 1]) {
        const a = h5.array(`optimizer/vars/${2 + 2 * i + slot}`);
        if (a.values.length !== v.size)
          throw new Error(
            `loadKerasModel: optimizer/vars/${2 + 2 * i + slot} has shape [${a.shape.join(', ')}], expected [${v.shape.join(', ')}] (Adam state of ${v.name})`,
          );
        named.push({ name: `${v.name}/slot${slot}`, tensor: tensor(a.values, [...v.shape]) });
      }
    });
    await optimizer.setWeights(named);
  } finally {
    for (const n of named) n.tensor.dispose();
  }
}
