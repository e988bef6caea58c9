// includeOptimizer: the loss, metrics and optimizer as tfjs's trainingConfig,
// and the optimizer state as weights of group 'optimizer' named as tfjs names
// them (`iter`, `<layer>/<weight>/m`, ...), so the state moves between
// wasmml and tfjs in both directions.
import { optimizerFromConfig, type NamedTensor, type OptimizerConfig } from '@wasmml/optimizers';
import { dispose, tensor, type Variable } from '@wasmml/tensor';
import { getLoss, losses as lossFactories, type LossObject } from '../losses.js';
import { getMetric } from '../metrics.js';
import type { LayersModel } from '../model.js';
import { fromKeras, toCamelCase, toSnakeCase } from './keras-names.js';
import type { TrainingConfig, WasmmlRecord } from './types.js';
import type { NamedValues } from './weights.js';

/** tfjs's names for each optimizer's slots, in our kernel's slot order. */
const SLOT_NAMES: Record<string, readonly string[]> = {
  SGD: [],
  Momentum: ['momentum'],
  RMSProp: ['rms', 'momentum', 'mg'],
  Adagrad: ['accumulator'],
  Adam: ['m', 'v'],
  Adamax: ['m', 'v'],
  AdamW: ['m', 'v'],
};

function outputNames(model: LayersModel): string[] {
  return model.outputs.map((o) => o.sourceLayer?.name ?? o.name);
}

/** trainingConfig (tfjs) plus what tfjs has no field for (fromLogits, loss weights). */
export function trainingConfigOf(model: LayersModel): { trainingConfig: TrainingConfig; training: NonNullable<WasmmlRecord['training']> } {
  const c = model.compiled;
  if (!c) throw new Error(`model.save: includeOptimizer needs a compiled model; ${model.name} was never compiled`);
  const outs = outputNames(model);
  const losses = c.losses.map((l) => {
    try {
      getLoss(l.name);
    } catch {
      throw new Error(`model.save: the training config cannot name the custom loss '${l.name}' (compile with a built-in loss to save it)`);
    }
    return toSnakeCase(l.name);
  });
  const metricNames = c.metrics.map((ms, i) =>
    ms.map((m) => {
      const name = outs.length > 1 && m.name.startsWith(`${outs[i]}_`) ? m.name.slice(outs[i]!.length + 1) : m.name;
      try {
        getMetric(name, c.losses[i]!.name);
      } catch {
        throw new Error(
          `model.save: the training config cannot name the custom metric '${name}' (compile with built-in metrics to save it)`,
        );
      }
      return name;
    }),
  );
  const { className, ...config } = c.optimizer.getConfig();
  const trainingConfig: TrainingConfig = {
    loss: losses.length === 1 ? losses[0]! : losses,
    metrics: metricNames.length === 1 ? metricNames[0]! : Object.fromEntries(outs.map((o, i) => [o, metricNames[i]!])),
    optimizer_config: { class_name: className, config },
  };
  return { trainingConfig, training: { fromLogits: c.losses.map((l) => !!l.fromLogits), lossWeights: [...c.lossWeights] } };
}

/** The optimizer state as named values; `savedName` maps variable names to saved weight names. */
export async function optimizerValues(model: LayersModel, savedName: Map<string, string>): Promise<NamedValues[]> {
  const opt = model.compiled!.optimizer;
  const slotNames = SLOT_NAMES[opt.getClassName()] ?? [];
  const state = await opt.getWeights();
  try {
    const out: NamedValues[] = [];
    for (const { name, tensor: t } of state) {
      let saved = name;
      if (name !== 'iter') {
        const m = /^(.*)\/slot(\d+)$/.exec(name);
        const w = m && savedName.get(m[1]!);
        // State of variables outside this model (a shared optimizer) is not the model's.
        if (!m || !w) continue;
        saved = `${w}/${slotNames[Number(m[2])] ?? `slot${m[2]}`}`;
      }
      out.push({ name: saved, shape: [...t.shape], dtype: t.dtype, values: t.dataSync().slice(), group: 'optimizer' });
    }
    return out;
  } finally {
    dispose(state.map((s) => s.tensor));
  }
}

function optimizerFrom(tc: TrainingConfig) {
  const oc = tc.optimizer_config;
  if (!oc || typeof oc.class_name !== 'string') throw new Error('loadLayersModel: trainingConfig has no optimizer_config.class_name');
  // tfjs writes camelCase configs, Keras snake_case: normalise the keys.
  const config = fromKeras(oc.config ?? {}) as Record<string, unknown>;
  let className = oc.class_name;
  // Keras's SGD carries momentum; ours is a separate optimizer.
  if (className === 'SGD' && typeof config.momentum === 'number' && config.momentum > 0) className = 'Momentum';
  if (config.lr !== undefined && config.learningRate === undefined) config.learningRate = config.lr;
  return optimizerFromConfig({ ...config, className } as OptimizerConfig);
}

const byOutput = <T>(v: T | T[] | Record<string, T> | undefined, outs: string[]): Array<T | undefined> => {
  if (v === undefined) return outs.map(() => undefined);
  if (Array.isArray(v)) return outs.map((_, i) => v[i]);
  if (typeof v === 'object' && v !== null) return outs.map((o) => (v as Record<string, T>)[o]);
  return outs.map(() => v as T);
};

/** compile() from a saved trainingConfig, then the optimizer state from the saved optimizer weights (when saved). */
export async function restoreTraining(
  model: LayersModel,
  tc: TrainingConfig,
  training: WasmmlRecord['training'],
  state: Map<string, NamedValues>,
  variableOf: Map<string, Variable>,
): Promise<void> {
  const outs = outputNames(model);
  const optimizer = optimizerFrom(tc);
  const lossIds = byOutput(tc.loss, outs);
  const losses = lossIds.map((id, i) => {
    if (typeof id !== 'string') throw new Error(`loadLayersModel: trainingConfig has no loss for output '${outs[i]}'`);
    const base = getLoss(toCamelCase(id));
    const make = (lossFactories as unknown as Record<string, (o: { fromLogits: boolean }) => LossObject>)[base.name];
    return training?.fromLogits?.[i] && make ? make({ fromLogits: true }) : base;
  });
  const metricIds = byOutput(tc.metrics as string[] | Record<string, string[]> | undefined, outs).map((m) =>
    (Array.isArray(m) ? m : m === undefined ? [] : [m]).map((x) => toCamelCase(String(x))),
  );
  model.compile({
    optimizer,
    loss: losses.length === 1 ? losses[0]! : losses,
    metrics: outs.length === 1 ? metricIds[0]! : Object.fromEntries(outs.map((o, i) => [o, metricIds[i]!])),
    ...(training?.lossWeights ? { lossWeights: training.lossWeights } : {}),
  });
  if (state.size === 0) return;
  const slotNames = SLOT_NAMES[optimizer.getClassName()] ?? [];
  const named: NamedTensor[] = [];
  try {
    for (const [name, v] of state) {
      let target = name;
      if (name !== 'iter') {
        const cut = name.lastIndexOf('/');
        const owner = name.slice(0, cut),
          slot = name.slice(cut + 1);
        // tfjs may have suffixed a variable name to keep it unique (`kernel_1`).
        const variable = variableOf.get(owner) ?? variableOf.get(owner.replace(/_\d+$/, ''));
        const idx = slotNames.indexOf(slot) >= 0 ? slotNames.indexOf(slot) : Number(/^slot(\d+)$/.exec(slot)?.[1] ?? NaN);
        if (!variable || !Number.isInteger(idx)) {
          throw new Error(
            `loadLayersModel: saved optimizer state '${name}' matches no weight of the model (or no ${optimizer.getClassName()} slot)`,
          );
        }
        target = `${variable.name}/slot${idx}`;
      }
      named.push({ name: target, tensor: tensor(v.values, v.shape, v.dtype) });
    }
    await optimizer.setWeights(named);
  } finally {
    dispose(named.map((n) => n.tensor));
  }
}
