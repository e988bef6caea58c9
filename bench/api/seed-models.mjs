// The seed models as a user writes them, once for both layer APIs (ours and
// tfjs-layers share names and arguments): the MNIST MLP (784-128-10), the MNIST
// CNN (Conv32-Pool-Dense128-Dense10) and the text LSTM (Embedding(10000, 256)
// -> LSTM(128) -> Dense(2)); all Adam 1e-3 with sparse categorical cross-entropy.
import { loadMnist } from '@wasmml/datasets';

export const VOCAB = 10000;

const builders = {
  mlp: (L) => [
    L.flatten({ inputShape: [28, 28, 1] }),
    L.dense({ units: 128, activation: 'relu' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
  cnn: (L) => [
    L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 128, activation: 'relu' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
  lstm: (L, seq) => [
    L.embedding({ inputDim: VOCAB, outputDim: 256, inputLength: seq }),
    // glorotUniform: tfjs-layers' orthogonal default needs ops Node's tfjs-core bundle lacks; timing is unaffected.
    L.lstm({ units: 128, recurrentInitializer: 'glorotUniform' }),
    L.dense({ units: 2, activation: 'softmax' }),
  ],
};

/** A compiled seed model of `kind` built with the layers API `lib` (`{ sequential, layers }`) and its optimizer. */
export function seedModel(kind, lib, adam, seq = 200) {
  const m = lib.sequential({ layers: builders[kind](lib.layers, seq) });
  m.compile({ optimizer: adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** n MNIST digits (scaled to [0, 1], NHWC flattened) and labels, from the embedded copy (grouped by class: strided). */
export async function mnist(n) {
  const data = await loadMnist({ source: 'embedded' });
  const xs = new Float32Array(n * 784),
    ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = (i * 7919) % data.count;
    const img = data.image(at);
    for (let j = 0; j < 784; j++) xs[i * 784 + j] = img.data[j]; // image() is already scaled to [0, 1]
    ys[i] = data.labels[at];
  }
  return { xs, ys };
}

/** n token sequences of length seq (ids in [1, VOCAB)) and 0/1 labels, from an LCG. */
export function text(n, seq) {
  let s = 1;
  const ids = Int32Array.from({ length: n * seq }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return 1 + (s % (VOCAB - 1));
  });
  const ys = Int32Array.from({ length: n }, (_, i) => (ids[i * seq] % 2 === 0 ? 1 : 0));
  return { ids, ys };
}
