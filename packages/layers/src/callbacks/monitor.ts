// What the monitoring callbacks share: which direction is better for a
// metric, and reading it from the epoch logs (warning once when it is absent).
import type { LayersModel } from '../model.js';
import { findMetricKey } from '../metric-names.js';
import type { Logs } from './base.js';

/** 'min': lower is better; 'max': higher is better; 'auto': from the metric's name. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Metrics where higher is better (Keras: names with 'acc'; also auc, precision, recall, f1). */
export function betterIsHigher(monitor: string, mode: MonitorMode, who: string): boolean {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max')
    throw new Error(`${who}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
  if (mode !== 'auto') return mode === 'max';
  return /acc|auc|precision|recall|f1/i.test(monitor);
}

/**
 * The monitored value, or undefined (with one warning per callback) when the logs lack it. Either spelling of a
 * metric finds it: `val_accuracy` (Keras 3) reads `val_acc` (tfjs), and back.
 */
export function monitored(logs: Logs | undefined, monitor: string, who: string, warned: { done: boolean }): number | undefined {
  const key = logs && findMetricKey(logs, monitor);
  const v = key === undefined ? undefined : logs?.[key];
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (!warned.done) {
    warned.done = true;
    console.warn(
      `${who}: the monitored '${monitor}' is not in the epoch logs (available: ${Object.keys(logs ?? {}).join(', ') || 'none'}); ` +
        `${monitor.startsWith('val_') ? 'pass validationData or validationSplit to fit, or ' : ''}monitor another value`,
    );
  }
  return undefined;
}

/** The compiled optimizer, for callbacks that read or change the learning rate. */
export function optimizerOf(model: LayersModel | undefined, who: string) {
  const opt = model?.compiled?.optimizer;
  if (!opt) throw new Error(`${who}: the model has no optimizer; use the callback in fit() of a compiled model`);
  return opt;
}

/** Validates a non-negative number option. */
export function nonNegative(v: number, what: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${what} must be a non-negative number, got ${String(v)}`);
  return v;
}
