// The page: a task, its settings, a progress line, the live chart, and a way
// to try the trained model (draw a digit, classify a message, continue a text
// as the GPT writes it; the recommender prints its top 10). Training and
// prediction run in a Web Worker (train-worker.js). Query parameters preset
// the form (?task=spam&epochs=1&limit=2000) and ?autostart=1 starts training at
// once; window.wasmmlExample exposes the state to scripts (tests).
import { drawingPad } from './draw.js';
import { liveChart } from './live-chart.js';
import { PAGE_TASKS } from './tasks.js';

const $ = (id) => document.getElementById(id);
const form = $('settings');
const state = {
  task: 'mnist',
  phase: 'idle',
  info: undefined,
  source: undefined,
  results: undefined,
  report: [],
  history: [],
  prediction: undefined,
  generation: undefined,
  error: undefined,
};
window.wasmmlExample = state;

/** Shows the task's form defaults and its own panel (drawing pad, message box). */
function selectTask(name) {
  const t = PAGE_TASKS[name] ?? PAGE_TASKS.mnist;
  state.task = PAGE_TASKS[name] ? name : 'mnist';
  form.elements.task.value = state.task;
  for (const [k, v] of Object.entries(t.form)) form.elements[k].value = v;
  form.elements.batchSize.disabled = !!t.noBatches;
  $('limit-name').textContent = t.limitName;
  $('status').textContent = t.intro;
  for (const s of document.querySelectorAll('section[data-task]')) s.hidden = s.dataset.task !== state.task;
}

const params = new URLSearchParams(location.search);
selectTask(params.get('task') ?? 'mnist');
for (const name of ['epochs', 'limit', 'batchSize']) if (params.has(name)) form.elements[name].value = params.get(name);
form.elements.task.addEventListener('change', () => selectTask(form.elements.task.value));

function showBackend(info) {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  $('backend').textContent = info.crossOriginIsolated
    ? `Kernels: ${info.variant}, ${threads} (page is cross-origin isolated; ${info.cores} cores).`
    : `Kernels: ${info.variant}, ${threads}: this page is not cross-origin isolated, so there is no shared memory ` +
      'and training runs on one thread. Serve it with COOP/COEP headers (serve.mjs does) for more.';
}

const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
const chart = await liveChart($('chart'));
const ready = (task) => state.phase === 'done' && state.results && state.trained === task;
const pad = drawingPad($('pad'), (pixels) => {
  if (ready('mnist')) worker.postMessage({ type: 'predict', pixels });
});
$('clear').addEventListener('click', () => {
  pad.clear();
  $('probs').replaceChildren();
  $('guess').textContent = ready('mnist') ? 'Draw a digit 0–9.' : 'Train first, then draw a digit 0–9.';
});
$('classify').addEventListener('click', () => {
  if (ready('spam')) worker.postMessage({ type: 'predict', text: $('message').value });
});

/** Asks the GPT to continue the prompt box; its text streams into #generated (the 'token' messages). */
function generate() {
  if (!ready('gpt') || state.generation?.done === false) return;
  state.generation = { prompt: $('prompt').value, text: '', pieces: 0, done: false };
  const shown = document.createElement('b');
  shown.textContent = state.generation.prompt;
  $('generated').replaceChildren(shown);
  $('generate').disabled = $('train').disabled = true;
  $('generation').textContent = 'writing…';
  worker.postMessage({ type: 'generate', prompt: state.generation.prompt });
}
$('generate').addEventListener('click', generate);

function generated(msg) {
  Object.assign(state.generation, { done: true, error: msg.error, tokensPerSecond: msg.tokensPerSecond });
  $('generate').disabled = $('train').disabled = false;
  if (msg.error) {
    $('generation').textContent = `cannot continue this prompt: ${msg.error}`;
    return;
  }
  // The prompt as the model read it: characters the novel never uses are mapped or left out.
  $('generated').firstChild.textContent = msg.prompt;
  const leftOut = msg.leftOut.length ? ` (left out of the prompt: ${msg.leftOut.join(' ')})` : '';
  $('generation').textContent = `${msg.tokens} characters, ${msg.tokensPerSecond} tokens/s${leftOut}. Edit the prompt and press Generate.`;
}

function showDigit(probs) {
  const best = probs.indexOf(Math.max(...probs));
  state.prediction = { digit: best, probs };
  $('guess').textContent = `It looks like a ${best} (${(probs[best] * 100).toFixed(1)}%).`;
  $('probs').replaceChildren(
    ...probs.map((p, d) => {
      const li = document.createElement('li');
      li.className = d === best ? 'best' : '';
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, p * 220)}px`;
      li.append(`${d} `, bar, ` ${(p * 100).toFixed(1)}%`);
      return li;
    }),
  );
}

function showSpam(spam) {
  state.prediction = { spam };
  $('verdict').textContent = `${spam >= 0.5 ? 'Spam' : 'Not spam'} (spam probability ${(spam * 100).toFixed(1)}%).`;
}

const fmt = (logs) =>
  Object.entries(logs)
    .filter(([, v]) => Number.isFinite(v))
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
let batchesThisEpoch = 0;

worker.addEventListener('message', ({ data: msg }) => {
  switch (msg.type) {
    case 'info':
      state.info = msg.info;
      showBackend(msg.info);
      break;
    case 'data':
      state.source = msg.source;
      $('status').textContent = `data: ${msg.source}; training…`;
      break;
    case 'batch': {
      batchesThisEpoch++;
      $('progress').value = (msg.epoch + (msg.batch + 1) / msg.steps) / msg.epochs;
      $('status').textContent =
        `epoch ${msg.epoch + 1}/${msg.epochs}, batch ${msg.batch + 1}/${msg.steps}: ${fmt({ loss: msg.loss, accuracy: msg.acc })}`;
      if (msg.batch % 10 === 9 || msg.batch + 1 === msg.steps) chart.batch(msg.epoch, (msg.batch + 1) / msg.steps, msg);
      break;
    }
    case 'epoch':
      state.info = msg.info;
      state.history.push(msg.logs);
      showBackend(msg.info);
      // Models without batches (matrix factorisation) report training values here only.
      chart.epoch(msg.epoch, msg.logs, { training: batchesThisEpoch === 0 });
      batchesThisEpoch = 0;
      $('progress').value = (msg.epoch + 1) / msg.epochs;
      $('status').textContent = `epoch ${msg.epoch + 1}/${msg.epochs}: ${fmt(msg.logs)}`;
      break;
    case 'done':
      Object.assign(state, { phase: 'done', trained: msg.task, info: msg.info, results: msg.results, report: msg.report });
      showBackend(msg.info);
      $('train').disabled = false;
      $('status').textContent = `done (${state.source}): ${PAGE_TASKS[msg.task].summary(msg.results)}`;
      $('report').textContent = msg.report.join('\n');
      $('guess').textContent = 'Draw a digit 0–9.';
      $('verdict').textContent = 'Edit the message and press Classify.';
      // The language model writes at once: train, watch the loss, then read what it learned.
      if (msg.task === 'gpt') generate();
      break;
    case 'token':
      state.generation.text += msg.text;
      state.generation.pieces++;
      $('generated').append(msg.text);
      break;
    case 'generated':
      generated(msg);
      break;
    case 'prediction':
      if (msg.probs) showDigit(msg.probs);
      else showSpam(msg.spam);
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
  Object.assign(state, {
    phase: 'training',
    results: undefined,
    report: [],
    history: [],
    prediction: undefined,
    generation: undefined,
    error: undefined,
  });
  $('train').disabled = $('generate').disabled = true;
  $('generated').replaceChildren();
  $('progress').value = 0;
  $('report').textContent = '';
  chart.reset();
  batchesThisEpoch = 0;
  $('status').textContent = 'loading the data…';
  worker.postMessage({
    type: 'train',
    task: state.task,
    epochs: Number(f.epochs.value),
    limit: Number(f.limit.value) || undefined,
    batchSize: Number(f.batchSize.value),
    baseUrl: document.baseURI,
  });
}
form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
if (params.get('autostart') === '1') start();
