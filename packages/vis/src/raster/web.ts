// Browsers: no resvg; the page's own canvas rasterises a rendered chart.
export function svgToPng(_svg: string, _scale: number): Promise<Uint8Array> {
  return Promise.reject(
    new Error('toPNG: this runtime has no SVG rasteriser; in a page, draw the chart with render() and use its view.toImageURL("png")'),
  );
}
