// Options objects checked against the keys their type declares, so a typo
// (`kernel_size`, `epoch`) is an error that names the nearest valid key
// instead of an option silently ignored. Each config type lists its keys once,
// as an `OptionKeys<T>` record: the compiler rejects a list with a key missing
// or one the type does not have, so list and type cannot drift apart.

/** Every key of the options type T (optional ones included), each mapped to `true`. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** Edit distance (insertions, deletions, substitutions), for suggestions. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Lower case without `_` and `-`: `kernel_size`, `KernelSize` and `kernelSize` compare equal. */
const fold = (s: string) => s.replace(/[_-]/g, '').toLowerCase();

/**
 * The candidate closest to `name`: the same name in another case or snake_case first, else the nearest by edit
 * distance when it is close enough to be a typo (at most a third of the name's length), else undefined.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined,
    bestD = Infinity;
  for (const c of candidates) {
    if (fold(c) === fold(name)) return c;
    const d = distance(fold(name), fold(c));
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Throws when `given` has a key that `valid` does not list, naming `who`, the key, the nearest valid key and the
 * valid ones; returns `given` unchanged otherwise. `undefined` (no options) passes. Keys whose value is
 * `undefined` are checked too: a misspelt key is wrong whatever its value.
 */
export function checkOptions<T extends object>(who: string, given: T | undefined, valid: OptionKeys<T>): T {
  if (given === undefined) return given as unknown as T;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new TypeError(
      `${who}: options must be an object, got ${given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given}`,
    );
  }
  const names = Object.keys(valid);
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(valid, key)) continue;
    const near = nearestName(key, names);
    throw new TypeError(`${who}: unknown option '${key}'${near ? `; did you mean '${near}'?` : ''} (valid options: ${names.join(', ')})`);
  }
  return given;
}
