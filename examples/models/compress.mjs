// The MNIST CNN compressed to int8 (post-training quantisation on the int8
// kernels of @wasmml/compression), and its predictions on a fixed set of
// digits — the same on every runtime, so that an int8 file made in Node can be
// checked where it is deployed (the browser page's "Open a compressed model").
import * as wm from 'wasmml';
import { digitTensors, splitDigits } from './mnist.mjs';

/**
 * Quantises a trained MNIST model to int8, its activation ranges calibrated on
 * `calibration` training digits: the int8 model and the bytes of its file
 * (`wm.compression.encodeQuantized`; `saveCompressed` writes the same to disk).
 * @param {import('wasmml').LayersModel} model
 * @param {import('wasmml').data.ImageSet} digits
 * @param {{ calibration?: number, seed?: number }} [options]
 */
export async function quantizeMnist(model, digits, { calibration = 500, seed = 1 } = {}) {
  const { train } = splitDigits(digits, { seed });
  const { xs, ys } = digitTensors(digits, train.slice(0, calibration));
  try {
    const int8 = await wm.compression.quantizeModel(model, { calibrationData: xs });
    return { int8, bytes: wm.compression.encodeQuantized(int8) };
  } finally {
    wm.dispose([xs, ys]);
  }
}

/**
 * Class probabilities of a model (float or int8) for the first `count`
 * validation digits of the seeded split, and its accuracy on them.
 * @param {{ predict(x: import('wasmml').Tensor, a?: { batchSize?: number }): unknown }} model
 * @param {import('wasmml').data.ImageSet} digits
 * @param {{ count?: number, seed?: number }} [options]
 */
export function predictDigits(model, digits, { count = 1000, seed = 1 } = {}) {
  const ids = splitDigits(digits, { seed }).validation.slice(0, count);
  const { xs, ys } = digitTensors(digits, ids);
  const p = /** @type {import('wasmml').Tensor} */ (model.predict(xs, { batchSize: 256 }));
  const probs = Float32Array.from(p.dataSync());
  const labels = ys.dataSync();
  const classes = p.shape[1];
  let right = 0;
  for (let i = 0; i < ids.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    if (best === labels[i]) right++;
  }
  wm.dispose([xs, ys, p]);
  return { probs, accuracy: right / ids.length, count: ids.length };
}
