/**
 * @wasmml/datasets — a tf.data-style Dataset pipeline (map, filter, batch into
 * tensors, seeded shuffle, prefetch, split...), loaders for real dataset formats
 * (MNIST/Fashion-MNIST IDX, CIFAR-10 binary, SpamAssassin, MovieLens) with
 * checksum-verified cached downloads, and seeded image augmentation.
 * @packageDocumentation
 */
export { Dataset, type DatasetSize, type DatasetSource, type ShuffleOptions, type SplitOptions } from './dataset.js';
export { fromArrays, fromGenerator, zip, type Column, type ColumnElement } from './sources.js';
export { fromCsv, type CsvOptions, type ColumnConfig, type CsvRecord, type CsvValue } from './csv.js';
export { CsvError, readCsvChunks, type CsvReadOptions, type CsvRow } from './csv-reader.js';
export { stackBatch, type Batched } from './batch.js';
export { Shaped, shaped, isTypedArray, type TypedArray, type DType, type XY } from './types.js';
export { Random, seedToInt, type Seed } from './random.js';

export { download, DownloadError, type DownloadOptions } from './io/download.js';
export {
  ChecksumError,
  parseChecksum,
  digest,
  type Checksum,
  type Sha256Checksum,
  type Md5Checksum,
  type ChecksumAlgorithm,
  type ParsedChecksum,
} from './io/checksum.js';
export type { DataLocation, Resource } from './io/resource.js';
export { openLocation } from './io/open.js';

export { ImageSet, type ImageDatasetOptions, type ImageElement } from './loaders/image-set.js';
export { parseIdx, type IdxArray } from './loaders/idx.js';
export {
  loadMnist,
  loadFashionMnist,
  MNIST_MIRRORS,
  FASHION_MNIST_MIRRORS,
  MNIST_CLASSES,
  FASHION_MNIST_CLASSES,
  type MnistOptions,
} from './loaders/mnist.js';
export { loadCifar10, parseCifarBatch, CIFAR10_URL, CIFAR10_CLASSES, type Cifar10Options, type CifarBatch } from './loaders/cifar10.js';
export { loadSpamAssassin, type SpamAssassinCorpus } from './loaders/spam-assassin.js';
export {
  loadMovieLens,
  type MovieLensOptions,
  type MovieLensData,
  type MovieLensVariant,
  type MovieInfo,
  type UserItem,
} from './loaders/movielens.js';

export { augment, imageAugmenter, type AugmentOptions, type ImageAugmenter } from './augment/augment.js';
export {
  cropAndFlip,
  flipLeftRight,
  rotate,
  adjustBrightness,
  adjustContrast,
  clampInPlace,
  type ImageDims,
} from './augment/image.js';
export {
  channelStats,
  normalize,
  normalizer,
  oneHot,
  stratifiedSplit,
  type ChannelStats,
  type StratifiedSplitOptions,
} from './preprocess.js';
