// The optimizers Keras 3 and wasmml both have, as data: each one's Keras
// config <-> our constructor, and where its state lives on each side. Keras 3
// keeps `optimizer/vars/0` (iterations) and `1` (the learning rate), then the
// slot variables: one `add_optimizer_variables` call per group below, each
// call adding, for every trainable variable in turn, one variable per name of
// its group (so Adam interleaves momentum and velocity, RMSprop writes every
// velocity before the first momentum). Ours keeps slot i of variable v as
// `<v>/slot<i>`.
import { adagrad, adam, adamw, momentum, type Optimizer, rmsprop, sgd } from '@wasmml/optimizers';

type Json = Record<string, unknown>;

/** One Keras slot variable: which of our slots it is, and how its value converts. */
export interface SlotMap {
  /** Keras's name for it ('momentum', 'velocity', ...), for error messages. */
  name: string;
  /** Our slot index. */
  ours: number;
  /** Keras value from ours (default: the same numbers). */
  toKeras?: (ours: Float32Array, lr: number) => Float32Array;
  /** Our value from Keras's. */
  fromKeras?: (keras: Float32Array, lr: number) => Float32Array;
}

/** An optimizer both sides have, as read from one side's settings. */
export interface OptimizerMap {
  /** Keras class name. */
  keras: string;
  /** The Keras constructor arguments. */
  config: Json;
  /** Slot groups in the order Keras adds them. */
  groups: SlotMap[][];
  /** Value a slot starts at (Adagrad's initial accumulator), for variables our optimizer has not touched yet. */
  slotInit: number;
}

// Keras SGD keeps m = momentum·m - lr·g and adds m; tfjs's Momentum keeps a = momentum·a + g and subtracts lr·a: m = -lr·a.
const negLr = (v: Float32Array, lr: number) => v.map((x) => -lr * x);
const divNegLr = (v: Float32Array, lr: number) => v.map((x) => (lr === 0 ? 0 : -x / lr));

const adamGroups: SlotMap[][] = [
  [
    { name: 'momentum', ours: 0 },
    { name: 'velocity', ours: 1 },
  ],
];

/** Our optimizer as Keras would have it, or why it cannot be. */
export function kerasOptimizerOf(o: Optimizer): OptimizerMap | string {
  const c = o.getConfig();
  if (typeof c.learningRate !== 'number') return 'its learning rate is a schedule (Keras gets no schedule from wasmml)';
  const base: Json = { learning_rate: c.learningRate, clipvalue: c.clipValue ?? null, global_clipnorm: c.clipNorm ?? null };
  const num = (k: string) => Number(c[k]);
  switch (c.className) {
    case 'SGD':
      return { keras: 'SGD', config: { name: 'SGD', ...base, momentum: 0, nesterov: false }, groups: [], slotInit: 0 };
    case 'Momentum':
      return {
        keras: 'SGD',
        config: { name: 'SGD', ...base, momentum: num('momentum'), nesterov: !!c.useNesterov },
        groups: num('momentum') === 0 ? [] : [[{ name: 'momentum', ours: 0, toKeras: negLr, fromKeras: divNegLr }]],
        slotInit: 0,
      };
    case 'RMSProp':
      return {
        keras: 'RMSprop',
        config: { name: 'rmsprop', ...base, rho: num('decay'), momentum: num('momentum'), epsilon: num('epsilon'), centered: !!c.centered },
        groups: [
          [{ name: 'velocity', ours: 0 }],
          ...(num('momentum') > 0 ? [[{ name: 'momentum', ours: 1 }]] : []),
          ...(c.centered ? [[{ name: 'average_gradient', ours: 2 }]] : []),
        ],
        slotInit: 0,
      };
    case 'Adagrad':
      return {
        keras: 'Adagrad',
        config: { name: 'adagrad', ...base, initial_accumulator_value: num('initialAccumulatorValue'), epsilon: 1e-7 },
        groups: [[{ name: 'accumulator', ours: 0 }]],
        slotInit: num('initialAccumulatorValue'),
      };
    case 'Adam':
      return {
        keras: 'Adam',
        config: { name: 'adam', ...base, beta_1: num('beta1'), beta_2: num('beta2'), epsilon: num('epsilon'), amsgrad: false },
        groups: adamGroups,
        slotInit: 0,
      };
    case 'AdamW':
      return {
        keras: 'AdamW',
        config: {
          name: 'adamw',
          ...base,
          weight_decay: num('weightDecay'),
          beta_1: num('beta1'),
          beta_2: num('beta2'),
          epsilon: num('epsilon'),
          amsgrad: false,
        },
        groups: adamGroups,
        slotInit: 0,
      };
    default:
      return `Keras 3 has no optimizer that computes ${c.className}'s update (Adamax is tfjs's form here)`;
  }
}

/** Keras settings every optimizer takes that we cannot honour, unless they hold these values. */
const COMMON_DEFAULTS: Json = {
  clipnorm: null,
  use_ema: false,
  loss_scale_factor: null,
  gradient_accumulation_steps: null,
};

/** Our optimizer from a Keras optimizer config, with where its state is, or every reason it cannot be made. */
export function optimizerFromKeras(className: string, cfg: Json): { optimizer: Optimizer; map: OptimizerMap } | string[] {
  const issues: string[] = [];
  for (const [k, v] of Object.entries(COMMON_DEFAULTS)) {
    if (cfg[k] !== undefined && cfg[k] !== v) issues.push(`${k}=${JSON.stringify(cfg[k])}`);
  }
  const lr = cfg.learning_rate;
  if (typeof lr !== 'number') issues.push('a learning-rate schedule');
  if (className !== 'AdamW' && cfg.weight_decay !== undefined && cfg.weight_decay !== null) issues.push(`weight_decay=${cfg.weight_decay}`);
  if (cfg.amsgrad === true) issues.push('amsgrad=true');
  const n = (k: string, d: number) => (typeof cfg[k] === 'number' ? (cfg[k] as number) : d);
  const clip = {
    ...(typeof cfg.clipvalue === 'number' ? { clipValue: cfg.clipvalue } : {}),
    ...(typeof cfg.global_clipnorm === 'number' ? { clipNorm: cfg.global_clipnorm } : {}),
  };
  const rate = typeof lr === 'number' ? lr : 0.001;
  let optimizer: Optimizer | undefined;
  switch (className) {
    case 'SGD': {
      const m = n('momentum', 0);
      optimizer = m === 0 ? sgd(rate, clip) : momentum(rate, m, cfg.nesterov === true, clip);
      break;
    }
    case 'RMSprop':
      optimizer = rmsprop(rate, n('rho', 0.9), n('momentum', 0), n('epsilon', 1e-7), cfg.centered === true, clip);
      break;
    case 'Adagrad':
      // Our Adagrad adds tfjs's fixed epsilon inside the square root, as Keras does with its default.
      if (Math.abs(n('epsilon', 1e-7) - 1e-7) > 1e-12) issues.push(`epsilon=${cfg.epsilon} (wasmml's Adagrad uses 1e-7)`);
      optimizer = adagrad(rate, n('initial_accumulator_value', 0.1), clip);
      break;
    case 'Adam':
      optimizer = adam(rate, n('beta_1', 0.9), n('beta_2', 0.999), n('epsilon', 1e-7), clip);
      break;
    case 'AdamW':
      optimizer = adamw(rate, n('weight_decay', 0.004), n('beta_1', 0.9), n('beta_2', 0.999), n('epsilon', 1e-7), clip);
      break;
    default:
      issues.push(`optimizer ${className} (wasmml carries SGD, RMSprop, Adagrad, Adam and AdamW)`);
  }
  if (issues.length || !optimizer) {
    optimizer?.dispose();
    return issues;
  }
  return { optimizer, map: kerasOptimizerOf(optimizer) as OptimizerMap };
}
