// Seeded random augmentation as a map function, on one image (HWC) or a batch (NHWC).
import { Random, randomSeed, seedToInt, type Seed } from '../random.js';
import { disposeTensor, isTensor, makeTensor, readTensor } from '../tensors.js';
import { isPlainObject, Shaped } from '../types.js';
import { adjustBrightness, adjustContrast, clampInPlace, cropAndFlip, rotate, type ImageDims } from './image.js';

/** Options of {@link augment}; every transform is off unless set. */
export interface AugmentOptions {
  /** Seed: the same seed over the same element order gives the same augmentations. Random when omitted. */
  seed?: Seed;
  /** Random translation within a zero border of this many pixels (pad-and-crop). */
  cropPadding?: number;
  /** Probability of a left-right flip (true means 0.5). */
  flip?: boolean | number;
  /** Random rotation, uniform in ±this many degrees. */
  rotation?: number;
  /** Random brightness change, uniform in ±this (on the data's scale, e.g. 0.1 for [0, 1] images). */
  brightness?: number;
  /** Random contrast factor, uniform in [1 - contrast, 1 + contrast]. */
  contrast?: number;
  /** Standard deviation of added Gaussian noise. */
  noise?: number;
  /** Clamp the result into this range, e.g. [0, 1]. */
  clamp?: [number, number];
  /** Key of the image in object elements (default 'xs'); other keys pass through. */
  key?: string;
}

/** The augmentation of one HWC image: `out` receives the result (it may not alias `src`). */
export type ImageAugmenter = (src: Float32Array, dims: ImageDims, out: Float32Array) => void;

/** Builds the per-image augmentation described by `options`, drawing from `rng`. */
export function imageAugmenter(options: AugmentOptions, rng: Random): ImageAugmenter {
  const pad = Math.max(0, Math.floor(options.cropPadding ?? 0));
  const flipP = options.flip === true ? 0.5 : options.flip === false || options.flip === undefined ? 0 : options.flip;
  const rot = ((options.rotation ?? 0) * Math.PI) / 180;
  const bright = options.brightness ?? 0;
  const contrast = options.contrast ?? 0;
  const noise = options.noise ?? 0;
  let scratch = new Float32Array(0);
  return (src, dims, out) => {
    const flip = flipP > 0 && rng.next() < flipP;
    const dy = pad > 0 ? rng.int(2 * pad + 1) : 0;
    const dx = pad > 0 ? rng.int(2 * pad + 1) : 0;
    cropAndFlip(src, dims, pad, dy, dx, flip, out);
    if (rot !== 0) {
      if (scratch.length !== out.length) scratch = new Float32Array(out.length);
      scratch.set(out);
      rotate(scratch, dims, rng.uniform(-rot, rot), out);
    }
    if (bright !== 0) adjustBrightness(out, rng.uniform(-bright, bright), out);
    if (contrast !== 0) adjustContrast(out, dims, rng.uniform(1 - contrast, 1 + contrast), out);
    if (noise !== 0) for (let i = 0; i < out.length; i++) out[i]! += noise * rng.normal();
    if (options.clamp) clampInPlace(out, options.clamp[0], options.clamp[1]);
  };
}

function dimsOf(shape: readonly number[], where: string): { n: number; dims: ImageDims } {
  if (shape.length === 3) return { n: 1, dims: { height: shape[0]!, width: shape[1]!, channels: shape[2]! } };
  if (shape.length === 4) return { n: shape[0]!, dims: { height: shape[1]!, width: shape[2]!, channels: shape[3]! } };
  throw new Error(`augment: ${where} has shape [${shape.join(', ')}]; expected an HWC image or an NHWC batch`);
}

function run(aug: ImageAugmenter, data: Float32Array, shape: readonly number[], where: string): Float32Array {
  const { n, dims } = dimsOf(shape, where);
  const size = dims.height * dims.width * dims.channels;
  const out = new Float32Array(n * size);
  if (n === 1)
    aug(data, dims, out); // the common per-image case: no views to allocate
  else for (let i = 0; i < n; i++) aug(data.subarray(i * size, (i + 1) * size), dims, out.subarray(i * size, (i + 1) * size));
  return out;
}

/**
 * A map function applying seeded random augmentation to images: a {@link Shaped}
 * HWC image or NHWC batch, a float32 tensor of those shapes (the input tensor is
 * disposed), or an object holding one under `key` (default 'xs'). Use before
 * `batch` for per-image work on typed arrays, or after it on batched tensors.
 * Each call draws fresh randomness, so each epoch sees new augmentations, while
 * a fixed seed makes the whole sequence reproducible.
 */
export function augment<E>(options: AugmentOptions = {}): (element: E) => E {
  const rng = new Random(options.seed === undefined ? randomSeed() : seedToInt(options.seed));
  const aug = imageAugmenter(options, rng);
  const key = options.key ?? 'xs';
  const apply = (x: unknown, where: string): unknown => {
    if (x instanceof Shaped) {
      if (!(x.data instanceof Float32Array)) throw new Error(`augment: ${where} must hold float32 data (got ${x.data.constructor.name})`);
      return new Shaped(run(aug, x.data, x.shape, where), x.shape);
    }
    if (isTensor(x)) {
      const { values, shape, dtype } = readTensor(x);
      if (dtype !== 'float32') throw new Error(`augment: ${where} must be a float32 tensor, got ${dtype}`);
      const out = makeTensor(run(aug, values as Float32Array, shape, where), shape, 'float32');
      disposeTensor(x);
      return out;
    }
    throw new Error(`augment: ${where} is neither a Shaped image nor a tensor`);
  };
  return (element: E): E => {
    if (isPlainObject(element)) {
      if (!(key in element)) throw new Error(`augment: the element has no "${key}" key (keys: ${Object.keys(element).join(', ')})`);
      return { ...element, [key]: apply(element[key], `element.${key}`) } as E;
    }
    return apply(element, 'the element') as E;
  };
}
