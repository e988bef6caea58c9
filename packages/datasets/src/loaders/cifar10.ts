// CIFAR-10, binary version: each record is one label byte then 3072 pixel
// bytes, the 32×32 red plane, then green, then blue. Records are converted to
// HWC so images line up with the NHWC layout of the rest of wasmml.
import type { DownloadOptions } from '../io/download.js';
import { gunzip, isRemote } from '../io/resource.js';
import { parseTar } from 'nanotar';
import { ImageSet } from './image-set.js';
import { allInOrder, locate } from './locate.js';

/** Options of {@link loadCifar10}. */
export interface Cifar10Options {
  /**
   * A directory holding data_batch_1.bin … test_batch.bin (directly or in
   * cifar-10-batches-bin/), a base URL serving those files, or the URL of the
   * official cifar-10-binary.tar.gz (the default; verified by its published md5).
   */
  source?: string | URL;
  /** Which split (default 'train'). */
  split?: 'train' | 'test';
  /** Training batches to read, 1-5 (default all five). */
  batches?: readonly number[];
  /** Cache directory, progress callback, custom fetch... for URL sources. */
  download?: DownloadOptions;
}

/** The official binary archive. */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

/** Class names of CIFAR-10, in label order. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** Images (HWC bytes, 32×32×3 each) and labels decoded from a CIFAR-10 batch file. */
export interface CifarBatch {
  /** Pixel bytes, NHWC. */
  images: Uint8Array;
  /** Class index of each image. */
  labels: Uint8Array;
}

/** Decodes CIFAR-10 binary records into HWC bytes and labels; `name` labels errors. */
export function parseCifarBatch(bytes: Uint8Array, name: string): CifarBatch {
  if (bytes.length % RECORD !== 0) {
    const whole = Math.floor(bytes.length / RECORD);
    throw new Error(
      `${name}: truncated CIFAR-10 batch: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records (record ${whole} is cut at byte ${bytes.length})`,
    );
  }
  const n = bytes.length / RECORD;
  const images = new Uint8Array(n * 3 * PLANE);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * RECORD;
    const label = bytes[at]!;
    if (label > 9) throw new Error(`${name}: record ${r} (byte ${at}) has label ${label}; CIFAR-10 labels are 0-9`);
    labels[r] = label;
    const out = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = bytes[at + 1 + p]!;
      images[out + 3 * p + 1] = bytes[at + 1 + PLANE + p]!;
      images[out + 3 * p + 2] = bytes[at + 1 + 2 * PLANE + p]!;
    }
  }
  return { images, labels };
}

function fileNames(split: 'train' | 'test', batches: readonly number[] | undefined): string[] {
  if (split === 'test') return ['test_batch.bin'];
  const list = batches ?? [1, 2, 3, 4, 5];
  for (const b of list) if (!Number.isInteger(b) || b < 1 || b > 5) throw new Error(`loadCifar10: training batches are 1-5, got ${b}`);
  return list.map((b) => `data_batch_${b}.bin`);
}

async function fromArchive(
  url: string | URL,
  names: string[],
  options: DownloadOptions | undefined,
): Promise<{ name: string; bytes: Uint8Array }[]> {
  const isOfficial = String(url) === CIFAR10_URL;
  const archive = await locate(
    [String(url).replace(/[^/]*$/, '')],
    {
      name: String(url).slice(String(url).lastIndexOf('/') + 1),
      checksum: isOfficial ? CIFAR10_MD5 : undefined,
    },
    'cifar10',
    options,
  );
  const tar = await gunzip(await archive.bytes(), archive.name);
  const wanted = new Set(names);
  const items = parseTar(tar, { filter: (f) => wanted.has(f.name.slice(f.name.lastIndexOf('/') + 1)) });
  return names.map((n) => {
    const item = items.find((i) => i.name.endsWith(`/${n}`) || i.name === n);
    if (!item?.data) throw new Error(`${archive.name}: the archive has no ${n}`);
    return { name: `${archive.name}:${item.name}`, bytes: item.data };
  });
}

/**
 * Loads CIFAR-10 (32×32×3 colour images, 10 classes) from the binary batch
 * files as an {@link ImageSet} in HWC byte order.
 */
export async function loadCifar10(options: Cifar10Options = {}): Promise<ImageSet> {
  const names = fileNames(options.split ?? 'train', options.batches);
  const source = options.source ?? CIFAR10_URL;
  let files: { name: string; bytes: Uint8Array }[];
  if (isRemote(source) && /\.(tar\.gz|tgz)$/i.test(String(source))) {
    files = await fromArchive(source, names, options.download);
  } else {
    files = await allInOrder(
      names.map(async (n) => {
        let res: Awaited<ReturnType<typeof locate>>;
        try {
          res = await locate(source, { name: n }, 'cifar10', options.download);
        } catch (e) {
          if (isRemote(source)) throw e;
          res = await locate(`${String(source).replace(/[\\/]$/, '')}/cifar-10-batches-bin`, { name: n }, 'cifar10').catch(() => {
            throw e;
          });
        }
        return { name: res.name, bytes: await res.bytes() };
      }),
    );
  }
  const parts = files.map((f) => parseCifarBatch(f.bytes, f.name));
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const images = new Uint8Array(n * 3 * PLANE);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * 3 * PLANE);
    labels.set(p.labels, at);
    at += p.labels.length;
  }
  return new ImageSet(images, labels, SIDE, SIDE, 3, CIFAR10_CLASSES);
}
