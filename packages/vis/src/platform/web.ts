// Browsers: no file system; PNG through the page's canvas (see toPNG).
import type { VisPlatform } from './types.js';

const refuse = (what: string) => () =>
  Promise.reject(new Error(`${what}: there is no file system in this runtime; use render(spec, element) or toSVG(spec)`));

export const platform: VisPlatform = {
  hasFileSystem: false,
  writeFile: refuse('saveChart'),
  svgToPng: refuse('toPNG (browsers: draw the chart with render() and use its view.toImageURL("png"))'),
};
