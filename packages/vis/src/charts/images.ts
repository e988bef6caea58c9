// A grid of images with their labels (the first test digits with the
// predicted class, say), as a faceted Vega-Lite chart of pixel cells: no
// canvas or image encoder needed, so it renders the same to SVG, PNG and DOM.
import type { TopLevelSpec } from 'vega-lite';

/** Images as a tensor (anything with `shape` and `dataSync()`): [n, h, w], [n, h, w, 1] or [n, h, w, 3]. */
export interface ImageTensorLike {
  /** [n, height, width] or [n, height, width, channels]. */
  readonly shape: readonly number[];
  /** The pixel values, row-major. */
  dataSync(): ArrayLike<number>;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** A caption per image (e.g. predicted labels); numbers are shown as they are. */
  labels?: ArrayLike<string | number>;
  /** True labels: images whose label differs are captioned `label (true x)`. */
  trueLabels?: ArrayLike<string | number>;
  /** Images per row (default 10). */
  columns?: number;
  /** Pixels per image pixel (default 3). */
  pixelSize?: number;
  /** Chart title. */
  title?: string;
}

/** Images [n, h, w(, c)] with captions, as a Vega-Lite chart (tfjs-vis-style image grid of predictions). */
export function imageGrid(images: ImageTensorLike, options: ImageGridOptions = {}): TopLevelSpec {
  const shape = images.shape;
  if (shape.length !== 3 && shape.length !== 4)
    throw new Error(`imageGrid: images must be [n, height, width] or [n, height, width, channels], got shape [${shape}]`);
  const [n, h, w] = shape as [number, number, number];
  const c = shape[3] ?? 1;
  if (c !== 1 && c !== 3) throw new Error(`imageGrid: images must have 1 or 3 channels, got ${c} (shape [${shape}])`);
  const { labels, trueLabels } = options;
  if (labels && labels.length !== n) throw new Error(`imageGrid: ${labels.length} labels for ${n} images`);
  if (trueLabels && trueLabels.length !== n) throw new Error(`imageGrid: ${trueLabels.length} trueLabels for ${n} images`);
  const px = images.dataSync();
  let max = 0;
  for (let i = 0; i < px.length; i++) max = Math.max(max, px[i]!);
  // [0, 1] floats or [0, 255] bytes.
  const scale = max > 1 ? 1 : 255;
  const hex = (v: number) =>
    Math.max(0, Math.min(255, Math.round(v * scale)))
      .toString(16)
      .padStart(2, '0');
  const captions: string[] = [];
  const values: Array<{ image: string; row: number; col: number; color: string }> = [];
  for (let k = 0; k < n; k++) {
    const label = labels ? String(labels[k]) : '';
    const truth = trueLabels ? String(trueLabels[k]) : undefined;
    const wrong = truth !== undefined && labels !== undefined && truth !== label;
    // The index keeps captions unique (facets are keyed by them).
    const caption = `${k + 1}${label ? `: ${label}` : ''}${wrong ? ` (true ${truth})` : ''}`;
    captions.push(caption);
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const at = ((k * h + r) * w + col) * c;
        const rgb = c === 1 ? hex(px[at]!).repeat(3) : `${hex(px[at]!)}${hex(px[at + 1]!)}${hex(px[at + 2]!)}`;
        values.push({ image: caption, row: r, col, color: `#${rgb}` });
      }
    }
  }
  const size = options.pixelSize ?? 3;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { view: { stroke: null } },
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    columns: options.columns ?? 10,
    facet: {
      field: 'image',
      type: 'nominal',
      sort: captions,
      header: { title: null, labelFontSize: 11 },
    },
    spacing: 6,
    spec: {
      width: w * size,
      height: h * size,
      mark: { type: 'rect', strokeWidth: 0 },
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: null },
        y: { field: 'row', type: 'ordinal', axis: null },
        color: { field: 'color', type: 'nominal', scale: null, legend: null },
      },
    },
  } as TopLevelSpec;
}
