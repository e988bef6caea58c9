// Specs to pictures: SVG through Vega's headless renderer (no DOM, no canvas),
// PNG by rasterising that SVG, files by extension (through @wasmml/platform's
// atomic write), and live charts in a page.
import { platform } from '@wasmml/platform';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { svgToPng } from '#raster';

/** A Vega-Lite spec (what the chart functions return) or an already compiled Vega spec. */
export type ChartSpec = TopLevelSpec | vega.Spec;

const isVegaLite = (s: ChartSpec) => typeof s.$schema !== 'string' || s.$schema.includes('vega-lite');

function vegaSpec(spec: ChartSpec): vega.Spec {
  return isVegaLite(spec) ? compile(spec as TopLevelSpec).spec : (spec as vega.Spec);
}

/** The chart as an SVG document (Node, Deno and browsers). */
export async function toSVG(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaSpec(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as PNG bytes, `scale` times its size in pixels (default 2) (Node, Deno). */
export async function toPNG(spec: ChartSpec, options: { scale?: number } = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(scale > 0)) throw new Error(`toPNG: scale must be > 0, got ${scale}`);
  return svgToPng(await toSVG(spec), scale);
}

/**
 * Writes the chart to a file (Node, Deno): `.svg` or `.png` by the path's extension; returns the path. The file is
 * written to a temporary name and renamed, so a reader never sees half of it.
 */
export async function saveChart(spec: ChartSpec, path: string, options: { scale?: number } = {}): Promise<string> {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext !== 'svg' && ext !== 'png') throw new Error(`saveChart: ${path} must end in .svg or .png`);
  if (!platform.hasFileSystem)
    throw new Error(`saveChart: this runtime has no file system to write ${path} to; use render(spec, element) or toSVG(spec)`);
  const bytes = ext === 'svg' ? new TextEncoder().encode(await toSVG(spec)) : await toPNG(spec, options);
  await platform.mkdirp(platform.dirname(path));
  await platform.writeFileAtomic(path, bytes);
  return path;
}

/** A chart drawn into a page element (browsers); `view` is the Vega view (toImageURL, data changes...). */
export interface RenderedChart {
  /** The live Vega view. */
  readonly view: vega.View;
  /** Removes the chart and its listeners. */
  dispose(): void;
}

/** Draws the chart into `element` as SVG (browsers), like tfjs-vis's `render`. */
export async function render(spec: ChartSpec, element: Element): Promise<RenderedChart> {
  const view = new vega.View(vega.parse(vegaSpec(spec)), { renderer: 'svg', container: element as HTMLElement, hover: true });
  await view.runAsync();
  return { view, dispose: () => view.finalize() };
}
