// Argument checks the kernel wrappers share, so every op words a bad size alike.

/** Throws a RangeError naming `what` unless every count is an integer >= 0. */
export function checkCounts(what: string, counts: Record<string, number>): void {
  for (const [k, v] of Object.entries(counts)) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`wasmml ${what}: ${k} = ${v}, expected an integer >= 0`);
  }
}
