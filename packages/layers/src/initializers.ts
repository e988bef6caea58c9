// Weight initialisers (Keras/tfjs names and formulas), seeded.
import { fill, randomNormal, randomUniform, tensor, truncatedNormal, type DataType, type Tensor } from '@wasmml/tensor';

/** A weight initialiser (tfjs `tf.initializers.Initializer`): makes a layer weight's starting value from its shape. */
export interface Initializer {
  /** Registered class name in saved models ('GlorotUniform', 'Zeros', ...). */
  readonly className: string;
  /** A new tensor of `shape` and `dtype` with initial values. */
  apply(shape: number[], dtype: DataType): Tensor;
  /** Settings for saving (Keras/tfjs field names). */
  getConfig(): Record<string, unknown>;
}

/** Fan-in and fan-out as Keras computes them (conv kernels [..., in, out] count the receptive field). */
export function computeFans(shape: number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

type Mode = 'fanIn' | 'fanOut' | 'fanAvg';
type Distribution = 'normal' | 'uniform' | 'truncatedNormal';

class VarianceScaling implements Initializer {
  constructor(
    readonly className: string,
    readonly scale: number,
    readonly mode: Mode,
    readonly distribution: Distribution,
    readonly seed?: number,
  ) {}
  apply(shape: number[], dtype: DataType): Tensor {
    const [fanIn, fanOut] = computeFans(shape);
    const n = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, n);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * s);
      return randomUniform(shape, -limit, limit, dtype, this.seed);
    }
    // Keras: a truncated normal rescaled so the truncated variance is s.
    return truncatedNormal(shape, 0, Math.sqrt(s) / 0.87962566103423978, dtype === 'int32' ? 'int32' : 'float32', this.seed);
  }
  getConfig() {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed ?? null };
  }
}

class Constant implements Initializer {
  constructor(
    readonly className: string,
    readonly value: number,
  ) {}
  apply(shape: number[], dtype: DataType) {
    return fill(shape, this.value, dtype);
  }
  getConfig() {
    return this.className === 'Constant' ? { value: this.value } : {};
  }
}

class RandomDist implements Initializer {
  constructor(
    readonly className: 'RandomNormal' | 'RandomUniform' | 'TruncatedNormal',
    readonly a: number,
    readonly b: number,
    readonly seed?: number,
  ) {}
  apply(shape: number[], dtype: DataType) {
    const dt = dtype === 'int32' ? 'int32' : 'float32';
    if (this.className === 'RandomUniform') return randomUniform(shape, this.a, this.b, dtype, this.seed);
    if (this.className === 'RandomNormal') return randomNormal(shape, this.a, this.b, dt, this.seed);
    return truncatedNormal(shape, this.a, this.b, dt, this.seed);
  }
  getConfig() {
    return this.className === 'RandomUniform'
      ? { minval: this.a, maxval: this.b, seed: this.seed ?? null }
      : { mean: this.a, stddev: this.b, seed: this.seed ?? null };
  }
}

/** Orthogonal matrices (Saxe et al.): Gram–Schmidt on a seeded normal matrix, times gain. */
class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  constructor(
    readonly gain = 1,
    readonly seed?: number,
  ) {}
  apply(shape: number[], dtype: DataType): Tensor {
    if (shape.length < 2) throw new Error(`orthogonal initializer: shape must have rank >= 2, got [${shape}]`);
    const cols = shape[shape.length - 1]!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    // Orthonormalise the longer side's vectors of a [k, n] matrix with k <= n.
    const k = Math.min(rows, cols),
      n = Math.max(rows, cols);
    const src = randomNormal([k, n], 0, 1, 'float32', this.seed);
    const a = Array.from(src.dataSync(), Number);
    src.dispose();
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < i; j++) {
        let d = 0;
        for (let c = 0; c < n; c++) d += a[i * n + c]! * a[j * n + c]!;
        for (let c = 0; c < n; c++) a[i * n + c]! -= d * a[j * n + c]!;
      }
      let norm = 0;
      for (let c = 0; c < n; c++) norm += a[i * n + c]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let c = 0; c < n; c++) a[i * n + c]! /= norm;
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = this.gain * (rows <= cols ? a[r * n + c]! : a[c * n + r]!);
    }
    return tensor(out, shape, dtype);
  }
  getConfig() {
    return { gain: this.gain, seed: this.seed ?? null };
  }
}

/**
 * Name of an initialiser (Keras/tfjs camelCase or snake_case, e.g. 'glorotUniform' or 'he_normal'); an unknown name
 * throws.
 */
export type InitializerIdentifier =
  | 'zeros'
  | 'ones'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunUniform'
  | 'lecunNormal'
  | 'orthogonal'
  | 'randomNormal'
  | 'randomUniform'
  | 'truncatedNormal'
  | string;

/** Initialiser factories (tfjs `tf.initializers.*`). */
export const initializers = {
  /** All zeros (tfjs `zeros`). */
  zeros: () => new Constant('Zeros', 0),
  /** All ones (tfjs `ones`). */
  ones: () => new Constant('Ones', 1),
  /** Every value `args.value` (tfjs `constant`). */
  constant: (args: { value: number }) => new Constant('Constant', args.value),
  /** Normal values, mean 0 and stddev 0.05 by default (tfjs `randomNormal`). */
  randomNormal: (args: { mean?: number; stddev?: number; seed?: number } = {}) =>
    new RandomDist('RandomNormal', args.mean ?? 0, args.stddev ?? 0.05, args.seed),
  /** Uniform values in [minval, maxval), [-0.05, 0.05) by default (tfjs `randomUniform`). */
  randomUniform: (args: { minval?: number; maxval?: number; seed?: number } = {}) =>
    new RandomDist('RandomUniform', args.minval ?? -0.05, args.maxval ?? 0.05, args.seed),
  /** Normal values redrawn beyond two stddevs, mean 0 and stddev 0.05 by default (tfjs `truncatedNormal`). */
  truncatedNormal: (args: { mean?: number; stddev?: number; seed?: number } = {}) =>
    new RandomDist('TruncatedNormal', args.mean ?? 0, args.stddev ?? 0.05, args.seed),
  /**
   * Values of variance scale / n, n the fan-in, fan-out or their mean, from a normal, truncated normal or uniform
   * distribution (tfjs `varianceScaling`; default scale 1, mode 'fanIn', distribution 'normal').
   */
  varianceScaling: (args: { scale?: number; mode?: Mode; distribution?: Distribution; seed?: number } = {}) =>
    new VarianceScaling('VarianceScaling', args.scale ?? 1, args.mode ?? 'fanIn', args.distribution ?? 'normal', args.seed),
  /** Glorot/Xavier uniform: limit sqrt(6 / (fanIn + fanOut)) (tfjs `glorotUniform`, the default kernel initialiser). */
  glorotUniform: (args: { seed?: number } = {}) => new VarianceScaling('GlorotUniform', 1, 'fanAvg', 'uniform', args.seed),
  /** Glorot/Xavier normal: truncated normal of variance 2 / (fanIn + fanOut) (tfjs `glorotNormal`). */
  glorotNormal: (args: { seed?: number } = {}) => new VarianceScaling('GlorotNormal', 1, 'fanAvg', 'normal', args.seed),
  /** He uniform: limit sqrt(6 / fanIn) (tfjs `heUniform`). */
  heUniform: (args: { seed?: number } = {}) => new VarianceScaling('HeUniform', 2, 'fanIn', 'uniform', args.seed),
  /** He normal: truncated normal of variance 2 / fanIn (tfjs `heNormal`). */
  heNormal: (args: { seed?: number } = {}) => new VarianceScaling('HeNormal', 2, 'fanIn', 'normal', args.seed),
  /** LeCun uniform: limit sqrt(3 / fanIn) (tfjs `leCunUniform`). */
  lecunUniform: (args: { seed?: number } = {}) => new VarianceScaling('LeCunUniform', 1, 'fanIn', 'uniform', args.seed),
  /** LeCun normal: truncated normal of variance 1 / fanIn (tfjs `leCunNormal`). */
  lecunNormal: (args: { seed?: number } = {}) => new VarianceScaling('LeCunNormal', 1, 'fanIn', 'normal', args.seed),
  /** A (semi-)orthogonal matrix times `gain` (default 1), for weights of rank 2 or more (tfjs `orthogonal`). */
  orthogonal: (args: { gain?: number; seed?: number } = {}) => new Orthogonal(args.gain, args.seed),
};

const aliases: Record<string, keyof typeof initializers> = {
  zeros: 'zeros',
  zero: 'zeros',
  ones: 'ones',
  one: 'ones',
  glorotuniform: 'glorotUniform',
  glorotnormal: 'glorotNormal',
  heuniform: 'heUniform',
  henormal: 'heNormal',
  lecununiform: 'lecunUniform',
  lecunnormal: 'lecunNormal',
  orthogonal: 'orthogonal',
  randomnormal: 'randomNormal',
  randomuniform: 'randomUniform',
  truncatednormal: 'truncatedNormal',
  variancescaling: 'varianceScaling',
  constant: 'constant',
};

/** An initialiser from a name ('glorotUniform', 'he_normal', ...), a saved config, or an instance. */
export function getInitializer(
  id: Initializer | InitializerIdentifier | { className: string; config?: Record<string, unknown> },
): Initializer {
  if (typeof id === 'object' && id !== null && 'apply' in id) return id;
  const name = typeof id === 'string' ? id : id.className;
  const cfg = (typeof id === 'object' && id !== null ? (id as { config?: Record<string, unknown> }).config : undefined) ?? {};
  const key = aliases[name.replace(/_/g, '').toLowerCase()];
  if (!key) throw new Error(`unknown initializer '${name}' (known: ${Object.keys(initializers).join(', ')})`);
  const seed = typeof cfg.seed === 'number' ? cfg.seed : undefined;
  const f = initializers[key] as (a: Record<string, unknown>) => Initializer;
  if (key === 'varianceScaling') {
    const mode = String(cfg.mode ?? 'fanIn').replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as Mode;
    const dist = String(cfg.distribution ?? 'normal').replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as Distribution;
    return initializers.varianceScaling({
      scale: (cfg.scale as number) ?? 1,
      mode,
      distribution: dist,
      ...(seed !== undefined ? { seed } : {}),
    });
  }
  return f({ ...cfg, ...(seed !== undefined ? { seed } : { seed: undefined }) });
}

/** Saved form of an initialiser. */
export function serializeInitializer(i: Initializer): {
  /** Registered class name of the initialiser ('GlorotUniform', ...). */
  className: string;
  /** Its settings ({@link Initializer.getConfig}). */
  config: Record<string, unknown>;
} {
  return { className: i.className, config: i.getConfig() };
}
