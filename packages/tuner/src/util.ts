// Option checks and "did you mean" hints, on @wasmml/tensor's (the same edit
// distance and messages as every other package), for callers that list their
// keys as arrays.
import { checkOptions as checkKeys, nearestName } from '@wasmml/tensor';

/** " (did you mean 'x'?)" when a known name is close to `name`, else ''. */
export function suggest(name: string, known: readonly string[]): string {
  const near = nearestName(name, known);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}

/** Throws when `options` has a key outside `allowed`, naming the caller, the nearest key and the allowed keys. */
export function checkOptions(where: string, options: object | undefined, allowed: readonly string[]): void {
  checkKeys(where, options, Object.fromEntries(allowed.map((k) => [k, true])) as Record<string, true>);
}
