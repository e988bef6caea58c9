// Strings the op wrappers would otherwise format on every call (error labels,
// kernel names), built once per (dtype, op). Map lookups: an unknown op or
// dtype string finds nothing, whatever its name, and the caller builds its
// label on the way to the error.

/** table.get(dtype)?.get(op): make(dtype, op) for every pair. */
export function perDtypeOp<T>(
  dtypes: readonly string[],
  ops: readonly string[],
  make: (dtype: string, op: string) => T,
): Map<string, Map<string, T>> {
  return new Map(dtypes.map((dt) => [dt, new Map(ops.map((op) => [op, make(dt, op)]))]));
}
