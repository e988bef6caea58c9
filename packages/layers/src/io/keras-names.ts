// camelCase <-> snake_case for Keras JSON, following tfjs-layers' rules
// exactly (keys and string values convert; names and class names do not), so
// what we write is what tfjs writes and what tfjs writes reads back the same.

/** 'kernelInitializer' -> 'kernel_initializer', 'Conv2D' -> 'conv2_d' (tfjs's toSnakeCase). */
export function toSnakeCase(name: string): string {
  const s = name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return s[0] === '_' ? `private${s}` : s;
}

/** 'kernel_initializer' -> 'kernelInitializer' (tfjs's toCamelCase). */
export function toCamelCase(id: string): string {
  if (id.length <= 1 || !id.includes('_')) return id;
  return id.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase());
}

/** Layer names inside inbound_nodes / input_layers / output_layers keep their spelling. */
function isNameItem(key: string | undefined, index: number, value: unknown): boolean {
  return (key === 'inboundNodes' || key === 'inputLayers' || key === 'outputLayers') && index === 0 && typeof value === 'string';
}

/** A camelCase config as Keras JSON (tfjs `convertTsToPythonic`). */
export function toKeras(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toSnakeCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => (isNameItem(key, i, v) ? v : toKeras(v, key)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[toSnakeCase(k)] = (k === 'name' || k === 'className') && typeof v === 'string' ? v : toKeras(v, k);
  }
  return out;
}

/** Keras JSON as a camelCase config (tfjs `convertPythonicToTs`). */
export function fromKeras(value: unknown, key?: string): unknown {
  if (value === null) return null;
  if (typeof value === 'string') return toCamelCase(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => (isNameItem(key, i, v) ? v : fromKeras(v, key)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'name' && typeof v === 'string') out[k] = v;
    else {
      const ck = toCamelCase(k);
      // Class names are identifiers ('GlorotUniform', 'L1L2'): their spelling is kept.
      out[ck] = ck === 'className' && typeof v === 'string' ? v : fromKeras(v, ck);
    }
  }
  return out;
}
