/** What rendering needs from the runtime: writing files, and an SVG rasteriser where there is no canvas. */
export interface VisPlatform {
  /** Whether files can be written (Node, Deno). */
  readonly hasFileSystem: boolean;
  /** Writes bytes or text to a path, creating its folder; the data goes to a temporary file first, then is renamed. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  /** PNG bytes of an SVG drawing, scaled by `scale`; text uses the system's fonts. */
  svgToPng(svg: string, scale: number): Promise<Uint8Array>;
}
