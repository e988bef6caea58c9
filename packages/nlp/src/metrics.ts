// Classification report: accuracy, per-class precision / recall / F1 and the
// confusion matrix (rows: true class, columns: predicted class).
import { checkOptions } from '@wasmml/tensor';

/** Scores of predictions against true labels. */
export interface ClassificationReport {
  /** Fraction of correct predictions. */
  accuracy: number;
  /** Per class (0 where a class was never predicted / never present). */
  precision: number[];
  /** Per class recall. */
  recall: number[];
  /** Per class F1 score. */
  f1: number[];
  /** Per class: number of true examples. */
  support: number[];
  /** confusionMatrix[true][predicted] counts. */
  confusionMatrix: number[][];
  /** Unweighted means over classes. */
  macro: {
    /** Mean precision over classes. */
    precision: number;
    /** Mean recall over classes. */
    recall: number;
    /** Mean F1 over classes. */
    f1: number;
  };
  /** Class names, when given. */
  classNames?: string[];
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Number of classes (default: classNames' length, else the largest label or prediction + 1). */
  numClasses?: number;
  /** Class names, in label order (copied to the report). */
  classNames?: string[];
}

/**
 * Scores integer predictions against integer labels: `classificationReport(labels, predictions, { numClasses,
 * classNames })`, or with the class count and names as positional arguments.
 */
export function classificationReport(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClassesOrOptions: number | ClassificationReportOptions = {},
  names?: string[],
): ClassificationReport {
  if (labels.length !== predictions.length) {
    throw new Error(`classificationReport: ${labels.length} labels but ${predictions.length} predictions`);
  }
  const o: ClassificationReportOptions =
    typeof numClassesOrOptions === 'number'
      ? { numClasses: numClassesOrOptions, ...(names ? { classNames: names } : {}) }
      : checkOptions('classificationReport', numClassesOrOptions, { numClasses: true, classNames: true });
  const classNames = o.classNames;
  let most = -1;
  for (let i = 0; i < labels.length; i++) most = Math.max(most, labels[i]!, predictions[i]!);
  const numClasses = o.numClasses ?? classNames?.length ?? (Number.isInteger(most) ? most + 1 : NaN);
  if (!(Number.isInteger(numClasses) && numClasses > 0)) {
    throw new Error(`classificationReport: numClasses must be a positive integer, got ${String(o.numClasses ?? numClasses)}`);
  }
  if (classNames && classNames.length !== numClasses) {
    throw new Error(`classificationReport: ${classNames.length} classNames for ${numClasses} classes`);
  }
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!,
      p = predictions[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses && Number.isInteger(p) && p >= 0 && p < numClasses)) {
      throw new Error(`classificationReport: label ${y} / prediction ${p} at ${i} is not a class in [0, ${numClasses})`);
    }
    cm[y]![p]!++;
    if (y === p) correct++;
  }
  const precision: number[] = [],
    recall: number[] = [],
    f1: number[] = [],
    support: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = cm[c]![c]!;
    const predicted = cm.reduce((s, row) => s + row[c]!, 0);
    const actual = cm[c]!.reduce((s, v) => s + v, 0);
    const p = predicted ? tp / predicted : 0,
      r = actual ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
    support.push(actual);
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return {
    /** Fraction of correct predictions. */
    accuracy: labels.length ? correct / labels.length : 0,
    precision,
    recall,
    f1,
    support,
    confusionMatrix: cm,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    ...(classNames ? { classNames } : {}),
  };
}
