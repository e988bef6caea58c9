// One metric, several spellings: tfjs logs 'acc' for 'accuracy' and camelCase
// names, Keras 3 logs the name the user gave ('accuracy', 'val_accuracy',
// 'sparse_categorical_accuracy'). Logs keep the tfjs key; every place that
// reads a metric by name (callbacks' monitor, History, logs) also answers to
// the other spellings of the same metric.

/** Spellings of one metric; the first is what logs contain (tfjs). */
const GROUPS: readonly (readonly string[])[] = [
  ['acc', 'accuracy'],
  ['binaryAccuracy', 'binary_accuracy'],
  ['categoricalAccuracy', 'categorical_accuracy'],
  ['sparseCategoricalAccuracy', 'sparse_categorical_accuracy'],
  ['mse', 'meanSquaredError', 'mean_squared_error'],
  ['mae', 'meanAbsoluteError', 'mean_absolute_error'],
  ['f1', 'f1Score', 'f1_score'],
];

/**
 * Other names of the logged value `name` (with its `val_` or output-name prefix kept): `val_accuracy` →
 * `['val_acc']`, `acc` → `['accuracy']`. Empty when `name` is not a metric with several spellings.
 */
export function metricAliases(name: string): string[] {
  const out: string[] = [];
  for (const group of GROUPS) {
    for (const spelling of group) {
      if (!name.endsWith(spelling)) continue;
      const prefix = name.slice(0, name.length - spelling.length);
      if (prefix !== '' && !prefix.endsWith('_')) continue;
      for (const other of group) if (other !== spelling) out.push(prefix + other);
    }
  }
  return out;
}

/** The key of `record` holding `name` or one of its other spellings, or undefined. */
export function findMetricKey(record: object, name: string): string | undefined {
  if (name in record) return name;
  return metricAliases(name).find((a) => a in record);
}

/**
 * `record` that also answers reads by another spelling of its metric keys (`logs.val_accuracy` reads
 * `logs.val_acc`); keys, iteration and JSON stay the logged names only.
 */
export function withMetricAliases<T extends object>(record: T): T {
  return new Proxy(record, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        const found = findMetricKey(target, key);
        if (found !== undefined) return Reflect.get(target, found, receiver);
      }
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      return typeof key === 'string' ? findMetricKey(target, key) !== undefined : Reflect.has(target, key);
    },
  });
}
