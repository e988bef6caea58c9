// JSON as Python reads it: Keras's optimizers check `isinstance(x, float)`
// (learning_rate, SGD's momentum), and JavaScript writes 1 and 0 without a
// decimal point, which Python parses as int. Numbers wrapped by pyFloat are
// written with one (1.0).
const MARK = '\u0000float:';

/** A number that must reach Python as a float. */
export function pyFloat(n: number): unknown {
  return { toJSON: () => `${MARK}${n}` };
}

/** Every number of a flat settings object as a Python float. */
export function pyFloats(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? pyFloat(v) : v]));
}

/** JSON.stringify, with the pyFloat numbers written as floats. */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000float:([^"]*)"/g, (_, n: string) => (/[.eE]|Infinity|NaN/.test(n) ? n : `${n}.0`));
}
