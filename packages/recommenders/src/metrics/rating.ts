// Rating-prediction errors.

function check(pred: ArrayLike<number>, actual: ArrayLike<number>, op: string): void {
  if (pred.length !== actual.length) throw new Error(`${op}: ${pred.length} predictions for ${actual.length} ratings`);
}

/** Root mean squared error (0 for no ratings). */
export function rmse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  check(pred, actual, 'rmse');
  let s = 0;
  for (let k = 0; k < pred.length; k++) s += (pred[k]! - actual[k]!) ** 2;
  return pred.length ? Math.sqrt(s / pred.length) : 0;
}

/** Mean absolute error (0 for no ratings). */
export function mae(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  check(pred, actual, 'mae');
  let s = 0;
  for (let k = 0; k < pred.length; k++) s += Math.abs(pred[k]! - actual[k]!);
  return pred.length ? s / pred.length : 0;
}
