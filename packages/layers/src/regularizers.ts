// Weight penalties added to the training loss (Keras/tfjs l1, l2, l1l2).
import { abs, scalar, sum, tidy, type Tensor } from '@wasmml/tensor';

/** A weight penalty added to the training loss (tfjs `tf.regularizers.Regularizer`). */
export interface Regularizer {
  /** Registered class name in saved models ('L1L2'). */
  readonly className: string;
  /** The penalty for weight `x`, a scalar. */
  apply(x: Tensor): Tensor;
  /** Settings for saving: the l1 and l2 factors. */
  getConfig(): Record<string, unknown>;
}

class L1L2 implements Regularizer {
  readonly className = 'L1L2';
  constructor(
    readonly l1: number,
    readonly l2: number,
  ) {}
  apply(x: Tensor): Tensor {
    return tidy(() => {
      let r = scalar(0);
      if (this.l1 !== 0) r = r.add(sum(abs(x)).mul(this.l1));
      if (this.l2 !== 0) r = r.add(sum(x.mul(x)).mul(this.l2));
      return r;
    });
  }
  getConfig() {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Name of a regulariser: 'l1', 'l2' or 'l1l2' (default strength 0.01); an unknown name throws. */
export type RegularizerIdentifier = 'l1' | 'l2' | 'l1l2' | string;

/** Regulariser factories (tfjs `tf.regularizers.*`; Keras default strength 0.01). */
export const regularizers = {
  /** l1 · sum(|x|), l1 default 0.01 (tfjs `l1`). */
  l1: (args: { l1?: number } = {}) => new L1L2(args.l1 ?? 0.01, 0),
  /** l2 · sum(x²), l2 default 0.01 (tfjs `l2`). */
  l2: (args: { l2?: number } = {}) => new L1L2(0, args.l2 ?? 0.01),
  /** l1 · sum(|x|) + l2 · sum(x²), both default 0.01 (tfjs `l1l2`). */
  l1l2: (args: { l1?: number; l2?: number } = {}) => new L1L2(args.l1 ?? 0.01, args.l2 ?? 0.01),
};

/** A regulariser from a name, a saved config or an instance. */
export function getRegularizer(
  id: Regularizer | RegularizerIdentifier | { className: string; config?: Record<string, number> },
): Regularizer {
  if (typeof id === 'object' && 'apply' in id) return id;
  if (typeof id === 'string') {
    const f = (regularizers as Record<string, (a?: object) => Regularizer>)[id.replace(/_/g, '').toLowerCase()];
    if (!f) throw new Error(`unknown regularizer '${id}' (known: l1, l2, l1l2)`);
    return f();
  }
  const c = id.config ?? {};
  return new L1L2(c.l1 ?? 0, c.l2 ?? 0);
}
