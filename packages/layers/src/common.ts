// Shapes with an unknown batch dimension, unique layer names, and argument checks.

/** A shape whose dimensions may be unknown (null), usually the batch. */
export type Shape = Array<number | null>;

const counters = new Map<string, number>();

/** "dense_1", "dense_2", ...: unique per process, like tfjs. */
export function uniqueName(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** Class name -> snake_case prefix, as Keras does ("Conv2D" -> "conv2d", "BatchNormalization" -> "batch_normalization"). */
export function snakePrefix(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function fmt(shape: Shape | Shape[] | number[]): string {
  return JSON.stringify(shape).replace(/null/g, 'null');
}

export function isShapeList(s: Shape | Shape[]): s is Shape[] {
  return Array.isArray(s) && s.length > 0 && Array.isArray(s[0]);
}

export function assertPositiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Normalises a number or pair argument (kernelSize, strides, poolSize) to a tuple. */
export function tuple(v: number | number[] | undefined, n: number, def: number, what: string): number[] {
  if (v === undefined) return new Array<number>(n).fill(def);
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((x) => !Number.isInteger(x) || x <= 0)) {
    throw new Error(`${what} must be a positive integer or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return arr;
}

/** The one input of a single-input layer (a one-element list is accepted). */
export function singleInput<T>(x: T | T[], layer: string): T {
  if (Array.isArray(x)) {
    if (x.length !== 1) throw new Error(`${layer} expects one input, got ${x.length}`);
    return x[0]!;
  }
  return x;
}

/** The first input's shape when given a list of shapes. */
export function firstShape(s: Shape | Shape[]): Shape {
  return Array.isArray(s[0]) ? (s as Shape[])[0]! : (s as Shape);
}
