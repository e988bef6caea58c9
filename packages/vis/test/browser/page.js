// What a user's page does with @wasmml/vis: draws a confusion matrix and an
// image grid with render(), and trains a small model with liveHistory() as a
// fit callback. After each epoch a probe (the next callback) records what the
// live chart's SVG holds at that moment; window.visPage exposes it all to the
// test (test/live-dom.test.ts).
import { layers, sequential } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';
import { confusionMatrixChart, HISTORY_DATA, imageGrid, liveHistory, render } from '@wasmml/vis';

const state = { phase: 'running', epochs: [], static: {}, error: undefined };
window.visPage = state;
const $ = (id) => document.getElementById(id);
/** Mark elements of one kind (symbol, line, rect, text) in an element's SVG. */
const marks = (el, kind) => el.querySelectorAll(`svg g.mark-${kind}.role-mark > path`).length;
const svgOf = (el) => {
  const svg = el.querySelector('svg');
  return svg ? { width: Number(svg.getAttribute('width')), height: Number(svg.getAttribute('height')), text: svg.textContent } : null;
};

try {
  await wm.ready();
  wm.setSeed(3);

  await render(
    confusionMatrixChart(
      [
        [5, 1, 0],
        [2, 7, 1],
        [0, 0, 9],
      ],
      { classNames: ['cat', 'dog', 'bird'] },
    ),
    $('confusion'),
  );
  state.static.confusion = { rects: marks($('confusion'), 'rect'), svg: svgOf($('confusion')) };

  // Four 6x6 images: image k lights column k.
  const px = new Float32Array(4 * 36);
  for (let k = 0; k < 4; k++) for (let r = 0; r < 6; r++) px[k * 36 + r * 6 + k] = 1;
  const images = wm.tensor(px, [4, 6, 6]);
  await render(imageGrid(images, { labels: [0, 1, 2, 2], trueLabels: [0, 1, 2, 3], columns: 2, pixelSize: 4 }), $('grid'));
  images.dispose();
  const white = [...$('grid').querySelectorAll('svg g.mark-rect.role-mark > path')].filter((p) =>
    /#ffffff|rgb\(255, 255, 255\)/i.test(p.getAttribute('fill') ?? ''),
  ).length;
  state.static.grid = { rects: marks($('grid'), 'rect'), white, svg: svgOf($('grid')) };

  // A real fit: 256 points, label = whether x0 + x1 > x2 + x3.
  const n = 256;
  const xs = new Float32Array(n * 4);
  const ys = new Float32Array(n);
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0), s / 2 ** 32);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) xs[i * 4 + j] = rand() * 2 - 1;
    ys[i] = xs[i * 4] + xs[i * 4 + 1] > xs[i * 4 + 2] + xs[i * 4 + 3] ? 1 : 0;
  }
  const x = wm.tensor(xs, [n, 4]);
  const y = wm.tensor(ys, [n, 1]);
  const model = sequential({
    layers: [layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const live = liveHistory($('live'), { title: 'live' });
  const probe = {
    onEpochEnd: async (epoch) => {
      state.epochs.push({ epoch, points: marks($('live'), 'symbol'), lines: marks($('live'), 'line'), svg: svgOf($('live')) });
    },
  };
  const history = await model.fit(x, y, { epochs: 4, batchSize: 32, validationSplit: 0.25, callbacks: [live, probe], verbose: 0 });
  const { view } = await live.chart;
  state.rows = view.data(HISTORY_DATA).map(({ epoch, metric, split, value }) => ({ epoch, metric, split, value }));
  state.history = { epoch: history.epoch, history: { ...history.history } };
  wm.dispose([x, y]);
  model.dispose();
  state.phase = 'done';
} catch (e) {
  state.error = String(e?.stack ?? e);
  state.phase = 'error';
}
