// Node and Deno: SVG to PNG through resvg (a Rust SVG renderer, prebuilt per
// platform, a Node-API addon that Deno loads too), loaded on first use. Only
// this file touches it, so the browser bundle never sees the addon.
export async function svgToPng(svg: string, scale: number): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return new Uint8Array(r.render().asPng());
}
