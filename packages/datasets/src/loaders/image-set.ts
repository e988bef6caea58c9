// An in-memory labelled image set (bytes, NHWC) and its view as a Dataset.
import { Dataset } from '../dataset.js';
import { shaped, type Shaped } from '../types.js';

/** Options of {@link ImageSet.dataset}. */
export interface ImageDatasetOptions {
  /** Scale pixels to [0, 1] floats (default true); false keeps 0-255 as floats. */
  normalize?: boolean;
  /** Labels as one-hot float vectors of `numClasses` (default false: the class index as a number). */
  oneHot?: boolean;
}

/** One labelled image: `xs` is HWC float32, `ys` the class index or its one-hot vector. */
export interface ImageElement {
  /** The image, HWC. */
  xs: Shaped<Float32Array>;
  /** The class index, or its one-hot vector. */
  ys: number | Float32Array;
}

/** Labelled images held as bytes in NHWC order, as they come in the MNIST and CIFAR files. */
export class ImageSet {
  /** Number of images. */
  readonly count: number;

  /**
   * Checks that `images` holds `labels.length` images of height × width × channels bytes.
   * @param images Pixel bytes, NHWC.
   * @param labels Class index of each image.
   * @param height Image height.
   * @param width Image width.
   * @param channels Channels per pixel (1 grey, 3 RGB).
   * @param classNames Name of each class, in label order.
   */
  constructor(
    readonly images: Uint8Array,
    readonly labels: Uint8Array,
    readonly height: number,
    readonly width: number,
    readonly channels: number,
    readonly classNames: readonly string[],
  ) {
    this.count = labels.length;
    if (images.length !== this.count * height * width * channels) {
      throw new Error(`ImageSet: ${images.length} image bytes for ${this.count} labels of ${height}x${width}x${channels}`);
    }
    for (let i = 0; i < labels.length; i++) {
      if (labels[i]! >= classNames.length) {
        throw new Error(`ImageSet: label ${labels[i]} at index ${i} is outside 0..${classNames.length - 1}`);
      }
    }
  }

  /** Number of classes. */
  get numClasses(): number {
    return this.classNames.length;
  }

  /** Bytes per image. */
  get imageSize(): number {
    return this.height * this.width * this.channels;
  }

  /** The images at `indices`, in that order, as a new set (copies). */
  subset(indices: ArrayLike<number>): ImageSet {
    const size = this.imageSize;
    const images = new Uint8Array(indices.length * size);
    const labels = new Uint8Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!(i >= 0 && i < this.count)) throw new Error(`ImageSet.subset: index ${i} outside 0..${this.count - 1}`);
      images.set(this.images.subarray(i * size, (i + 1) * size), k * size);
      labels[k] = this.labels[i]!;
    }
    return new ImageSet(images, labels, this.height, this.width, this.channels, this.classNames);
  }

  /** Image `i` as HWC float32 (scaled to [0, 1] unless normalize is false). */
  image(i: number, normalize = true): Shaped<Float32Array> {
    const size = this.imageSize;
    const out = new Float32Array(size);
    const src = this.images.subarray(i * size, (i + 1) * size);
    const k = normalize ? 1 / 255 : 1;
    for (let j = 0; j < size; j++) out[j] = src[j]! * k;
    return shaped(out, [this.height, this.width, this.channels]);
  }

  /** A dataset of `{xs, ys}` elements, converted to floats one image at a time. */
  dataset(options: ImageDatasetOptions = {}): Dataset<ImageElement> {
    const normalize = options.normalize ?? true;
    const oneHot = options.oneHot ?? false;
    const n = this.count;
    const classes = this.numClasses;
    return new Dataset<ImageElement>(() => {
      let i = 0;
      // A plain iterator object, not an async generator: this is the hot source of every image pipeline.
      return {
        next: () => {
          if (i >= n) return Promise.resolve({ done: true, value: undefined });
          const label = this.labels[i]!;
          let ys: number | Float32Array = label;
          if (oneHot) {
            ys = new Float32Array(classes);
            ys[label] = 1;
          }
          return Promise.resolve({ done: false, value: { xs: this.image(i++, normalize), ys } });
        },
        return: () => {
          i = n;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    }, n);
  }
}
