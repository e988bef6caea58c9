// The page: settings, a progress line, the live chart and the drawing pad.
// Training and prediction run in a Web Worker (train-worker.js). Query
// parameters preset the form (?epochs=1&limit=2000) and ?autostart=1 starts
// training at once; window.wasmmlExample exposes the state to scripts (tests).
import { drawingPad } from './draw.js';
import { liveChart } from './live-chart.js';

const $ = (id) => document.getElementById(id);
const form = $('settings');
const state = { phase: 'idle', info: undefined, results: undefined, history: [], prediction: undefined, error: undefined };
window.wasmmlExample = state;

const params = new URLSearchParams(location.search);
for (const name of ['epochs', 'limit', 'batchSize']) if (params.has(name)) form.elements[name].value = params.get(name);

function showBackend(info) {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  $('backend').textContent = info.crossOriginIsolated
    ? `Kernels: ${info.variant}, ${threads} (page is cross-origin isolated; ${info.cores} cores).`
    : `Kernels: ${info.variant}, ${threads}: this page is not cross-origin isolated, so there is no shared memory ` +
      'and training runs on one thread. Serve it with COOP/COEP headers (serve.mjs does) for more.';
}

const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
const chart = await liveChart($('chart'));
const pad = drawingPad($('pad'), (pixels) => {
  if (state.phase === 'done') worker.postMessage({ type: 'predict', pixels });
});
$('clear').addEventListener('click', () => {
  pad.clear();
  $('probs').replaceChildren();
  $('guess').textContent = state.phase === 'done' ? 'Draw a digit 0–9.' : 'Train first, then draw a digit 0–9.';
});

function showPrediction(probs) {
  const best = probs.indexOf(Math.max(...probs));
  state.prediction = { digit: best, probs };
  $('guess').textContent = `It looks like a ${best} (${(probs[best] * 100).toFixed(1)}%).`;
  $('probs').replaceChildren(...probs.map((p, d) => {
    const li = document.createElement('li');
    li.className = d === best ? 'best' : '';
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.max(1, p * 220)}px`;
    li.append(`${d} `, bar, ` ${(p * 100).toFixed(1)}%`);
    return li;
  }));
}

worker.addEventListener('message', ({ data: msg }) => {
  switch (msg.type) {
    case 'info':
      state.info = msg.info;
      showBackend(msg.info);
      break;
    case 'batch': {
      const done = (msg.epoch + (msg.batch + 1) / msg.steps) / msg.epochs;
      $('progress').value = done;
      $('status').textContent = `epoch ${msg.epoch + 1}/${msg.epochs}, batch ${msg.batch + 1}/${msg.steps}: ` +
        `loss ${msg.loss.toFixed(4)}, accuracy ${msg.acc.toFixed(4)}`;
      if (msg.batch % 10 === 9 || msg.batch + 1 === msg.steps) chart.batch(msg.epoch, (msg.batch + 1) / msg.steps, msg);
      break;
    }
    case 'epoch':
      state.info = msg.info;
      state.history.push(msg.logs);
      showBackend(msg.info);
      chart.epoch(msg.epoch, msg.logs);
      break;
    case 'done':
      Object.assign(state, { phase: 'done', info: msg.info, results: msg.results });
      showBackend(msg.info);
      $('train').disabled = false;
      $('status').textContent = `done: validation accuracy ${(msg.results.valAccuracy * 100).toFixed(1)}%, ` +
        `${msg.results.samplesPerSecond} samples/s. Draw a digit →`;
      $('guess').textContent = 'Draw a digit 0–9.';
      break;
    case 'prediction':
      showPrediction(msg.probs);
      break;
    case 'error':
      Object.assign(state, { phase: 'error', error: msg.message });
      $('train').disabled = false;
      $('status').textContent = `error: ${msg.message}`;
      break;
  }
});
worker.addEventListener('error', (e) => {
  Object.assign(state, { phase: 'error', error: e.message ?? 'the training worker failed to start' });
  $('status').textContent = `error: ${state.error}`;
});

function start() {
  const f = form.elements;
  Object.assign(state, { phase: 'training', results: undefined, history: [], error: undefined });
  $('train').disabled = true;
  $('progress').value = 0;
  chart.reset();
  $('status').textContent = 'loading the digits…';
  worker.postMessage({
    type: 'train',
    epochs: Number(f.epochs.value), limit: Number(f.limit.value), batchSize: Number(f.batchSize.value),
    dataUrl: new URL('mnist/', document.baseURI).href,
  });
}
form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
if (params.get('autostart') === '1') start();
