// Node: files through node:fs, PNG through resvg (a Rust SVG renderer, prebuilt
// per platform), loaded on first use. Only this file and deno.ts touch them.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { VisPlatform } from './types.js';

export const platform: VisPlatform = {
  hasFileSystem: true,
  async writeFile(path, data) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${Date.now()}-${Math.random().toString(36).slice(2, 8)}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  },
  async svgToPng(svg, scale) {
    const { Resvg } = await import('@resvg/resvg-js');
    const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
    return new Uint8Array(r.render().asPng());
  },
};
