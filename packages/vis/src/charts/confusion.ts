// A confusion matrix as a heat map with the counts written in the cells
// (rows: true class, columns: predicted class, as classificationReport gives it).
import type { TopLevelSpec } from 'vega-lite';

/** Options of {@link confusionMatrixChart}. */
export interface ConfusionMatrixOptions {
  /** Class names in label order (default '0', '1', ...). */
  classNames?: string[];
  /** Chart title (default 'Confusion matrix'). */
  title?: string;
  /** Side of a cell in pixels (default 40). */
  cellSize?: number;
}

/** The matrix [true][predicted] as a Vega-Lite heat map (tfjs-vis `show.confusionMatrix`). */
export function confusionMatrixChart(matrix: ArrayLike<ArrayLike<number>>, options: ConfusionMatrixOptions = {}): TopLevelSpec {
  const n = matrix.length;
  for (let i = 0; i < n; i++) {
    if (matrix[i]!.length !== n)
      throw new Error(`confusionMatrixChart: row ${i} has ${matrix[i]!.length} values for ${n} classes; the matrix must be square`);
  }
  const names = options.classNames ?? Array.from({ length: n }, (_, i) => String(i));
  if (names.length !== n) throw new Error(`confusionMatrixChart: ${names.length} classNames for ${n} classes`);
  const values = [];
  for (let t = 0; t < n; t++)
    for (let p = 0; p < n; p++) values.push({ actual: names[t]!, predicted: names[p]!, count: Number(matrix[t]![p]) });
  const size = options.cellSize ?? 40;
  const encoding = {
    x: { field: 'predicted', type: 'ordinal', sort: names, title: 'predicted' },
    y: { field: 'actual', type: 'ordinal', sort: names, title: 'true' },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { view: { stroke: null } },
    title: options.title ?? 'Confusion matrix',
    data: { values },
    width: size * n,
    height: size * n,
    layer: [
      {
        mark: 'rect',
        encoding: { ...encoding, color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, title: 'count' } },
      },
      { mark: { type: 'text', baseline: 'middle' }, encoding: { ...encoding, text: { field: 'count', type: 'quantitative' } } },
    ],
  };
}
