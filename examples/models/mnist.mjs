// MNIST digits with a small CNN: the model, the data as tensors, training and
// prediction. Runtime-agnostic: the runners (Node, Deno, a browser worker) load
// the digits their own way and hand an ImageSet in.
import * as wm from 'wasmml';

/** Height, width and channels of one digit. */
export const DIGIT_SHAPE = [28, 28, 1];

/**
 * Conv(16) - MaxPool - Conv(32) - MaxPool - Dense(64) - Dense(10, softmax):
 * about 99% on MNIST with the full training set, and above 95% after one epoch
 * over the 10,000 embedded digits.
 */
export function mnistCnn() {
  return wm.sequential({
    name: 'mnist_cnn',
    layers: [
      wm.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: DIGIT_SHAPE }),
      wm.layers.maxPooling2d({ poolSize: 2 }),
      wm.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      wm.layers.maxPooling2d({ poolSize: 2 }),
      wm.layers.flatten(),
      wm.layers.dense({ units: 64, activation: 'relu' }),
      wm.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/**
 * The images of `set` at `indices` (all of them by default) as tensors: xs
 * [n, 28, 28, 1] scaled to [0, 1], ys [n] class indices (sparse labels).
 * @param {import('wasmml').data.ImageSet} set
 * @param {ArrayLike<number>} [indices]
 */
export function digitTensors(set, indices) {
  const part = indices ? set.subset(indices) : set;
  const pixels = new Float32Array(part.images.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = part.images[i] / 255;
  return {
    xs: wm.tensor4d(pixels, [part.count, ...DIGIT_SHAPE]),
    ys: wm.tensor1d(Float32Array.from(part.labels)),
  };
}

/**
 * A stratified training/validation split of the digits; the training part is
 * shuffled (the embedded digits come grouped by class) and cut to `limit`.
 * @param {import('wasmml').data.ImageSet} set
 * @param {{ validationFraction?: number, limit?: number, seed?: number }} [options]
 */
export function splitDigits(set, { validationFraction = 0.1, limit, seed = 1 } = {}) {
  const [train, validation] = wm.data.stratifiedSplit(set.labels, [1 - validationFraction, validationFraction], { seed });
  const order = new wm.data.Random(seed).shuffle(Array.from(train));
  return { train: limit ? order.slice(0, limit) : order, validation: Array.from(validation) };
}

/**
 * Trains the CNN on `digits` (validating on a held-out tenth each epoch) and,
 * when `test` is given (the official MNIST test set), measures accuracy on it.
 * `callbacks` are fit() callbacks: progress bars, live charts.
 * @param {{
 *   digits: import('wasmml').data.ImageSet, test?: import('wasmml').data.ImageSet,
 *   epochs?: number, batchSize?: number, limit?: number, seed?: number, learningRate?: number,
 *   callbacks?: import('wasmml').CustomCallbackArgs | import('wasmml').Callback | Array<import('wasmml').CustomCallbackArgs | import('wasmml').Callback>,
 * }} options
 */
export async function trainMnist({ digits, test, epochs = 3, batchSize = 32, limit, seed = 1, learningRate = 0.001, callbacks }) {
  wm.setSeed(seed);
  const split = splitDigits(digits, { limit, seed });
  const train = digitTensors(digits, split.train);
  const val = digitTensors(digits, split.validation);
  const model = mnistCnn();
  model.compile({ optimizer: wm.train.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const started = Date.now();
  let history;
  try {
    history = await model.fit(train.xs, train.ys, { epochs, batchSize, validationData: [val.xs, val.ys], verbose: 0, callbacks });
  } finally {
    wm.dispose([train.xs, train.ys, val.xs, val.ys]);
  }
  const seconds = (Date.now() - started) / 1000;
  const results = {
    trainSamples: split.train.length,
    samplesPerSecond: Math.round((split.train.length * history.epoch.length) / seconds),
    valAccuracy: history.history.val_acc.at(-1),
  };
  if (test) results.testAccuracy = accuracy(model, test, batchSize * 8);
  return { model, history, results };
}

/**
 * Share of `set` that `model` classifies right, in batches so memory stays small.
 * @param {import('wasmml').LayersModel} model
 * @param {import('wasmml').data.ImageSet} set
 */
export function accuracy(model, set, batchSize = 256) {
  let right = 0;
  for (let at = 0; at < set.count; at += batchSize) {
    const ids = Array.from({ length: Math.min(batchSize, set.count - at) }, (_, i) => at + i);
    const { xs, ys } = digitTensors(set, ids);
    right += wm.tidy(
      () =>
        wm
          .equal(wm.argMax(model.predict(xs), 1), ys.cast('int32'))
          .sum()
          .dataSync()[0],
    );
    wm.dispose([xs, ys]);
  }
  return right / set.count;
}

/**
 * Class probabilities for one drawn digit: 784 grey levels in [0, 1], row by
 * row, white ink on black like MNIST.
 * @param {import('wasmml').LayersModel} model
 * @param {Float32Array} pixels
 * @returns {Float32Array}
 */
export function predictDigit(model, pixels) {
  return wm.tidy(() => model.predict(wm.tensor4d(pixels, [1, ...DIGIT_SHAPE])).dataSync());
}
