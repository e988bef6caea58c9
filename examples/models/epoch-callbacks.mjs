// Models that do not train through model.fit (matrix factorisation runs a
// whole epoch in one kernel pass) still report to the runners' fit()
// callbacks (progress bars, live charts): this drives them epoch by epoch,
// with no batches, and `params.steps` undefined so they know there are none.

/**
 * @param {any} callbacks a wm.Callback, tfjs-style hooks ({onEpochEnd, ...}) or an array of them
 * @param {{ epochs: number }} params
 */
export function epochCallbacks(callbacks, params) {
  const list = callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
  for (const c of list) c.setParams?.({ ...params, steps: undefined });
  const call = async (name, ...args) => {
    for (const c of list) await c[name]?.(...args);
  };
  return {
    /** Before training: onTrainBegin, then onEpochBegin(0). */
    async begin() {
      await call('onTrainBegin', {});
      if (params.epochs > 0) await call('onEpochBegin', 0, {});
    },
    /** The model's per-epoch hook: onEpochEnd, then onEpochBegin of the next epoch. */
    async onEpochEnd(epoch, logs) {
      await call('onEpochEnd', epoch, { ...logs });
      if (epoch + 1 < params.epochs) await call('onEpochBegin', epoch + 1, {});
    },
    /** After training. */
    end: () => call('onTrainEnd', {}),
  };
}
