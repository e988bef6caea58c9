// A character-level GPT on Moby Dick (@wasmml/nlp's gpt: 2 pre-norm decoder
// blocks, 4 heads, width 64, context 64, about 110 k weights), trained with
// Adam on windows cut from a seeded nine-tenths of the novel, validated on the
// other tenth beside the unigram and bigram baselines of that same text, then
// asked to continue a prompt, token by token. Runtime-agnostic: the runners
// load the text their own way and hand it in.
import * as wm from 'wasmml';

/** The model's settings: the recipe of packages/nlp/test/gpt-moby-dick.test.ts. */
export const GPT_MODEL = { contextLength: 64, layers: 2, heads: 4, dim: 64 };

/** The prompt the runners continue after training. */
export const GPT_PROMPT = 'Call me Ishmael. ';

/** Sampling settings of the runners' sample (seeded: the same model writes the same text). */
export const GPT_SAMPLING = { maxNewTokens: 200, temperature: 0.8, topK: 20, seed: 1 };

// Windows the validation loss is measured on, spread over the held-out text:
// fixed, so short and full runs are scored alike.
const VALIDATION_WINDOWS = 512;

/**
 * A seeded split of the text into training and validation parts: the text is
 * cut into blocks of `blockSize` characters, a seeded `validationFraction` of
 * the blocks is held out, and each part keeps its blocks in reading order. (A
 * split by position would validate on the last chapters only; blocks this long
 * leave few windows that straddle two of them.)
 * @param {string} text
 * @param {{ blockSize?: number, validationFraction?: number, seed?: number }} [options]
 */
export function splitText(text, { blockSize = 4096, validationFraction = 0.1, seed = 42 } = {}) {
  const blocks = Math.ceil(text.length / blockSize);
  const order = wm.nlp.shuffleInPlace(
    Array.from({ length: blocks }, (_, i) => i),
    wm.nlp.seededRandom(seed),
  );
  const held = new Set(order.slice(0, Math.max(1, Math.round(blocks * validationFraction))));
  const part = (keep) =>
    Array.from({ length: blocks }, (_, i) => i)
      .filter((i) => held.has(i) === keep)
      .map((i) => text.slice(i * blockSize, (i + 1) * blockSize))
      .join('');
  return { train: part(false), validation: part(true), blocks, validationBlocks: held.size };
}

/**
 * Mean negative log-likelihood (nats per character) of `validation` under the
 * add-one-smoothed unigram and bigram models of `train`: what a model that
 * only counts characters, or pairs of them, would score.
 * @param {ArrayLike<number>} train token ids
 * @param {ArrayLike<number>} validation token ids
 * @param {number} vocabSize
 */
export function ngramBaselines(train, validation, vocabSize) {
  const V = vocabSize;
  const uni = new Float64Array(V).fill(1);
  const pairs = new Float64Array(V * V).fill(1);
  const rows = new Float64Array(V).fill(V);
  for (let i = 0; i < train.length; i++) {
    uni[train[i]]++;
    if (i > 0) {
      pairs[train[i - 1] * V + train[i]]++;
      rows[train[i - 1]]++;
    }
  }
  const total = train.length + V;
  let unigram = 0;
  let bigram = 0;
  for (let i = 1; i < validation.length; i++) {
    const prev = validation[i - 1];
    const next = validation[i];
    unigram -= Math.log(uni[next] / total);
    bigram -= Math.log(pairs[prev * V + next] / rows[prev]);
  }
  const n = validation.length - 1;
  return { unigram: unigram / n, bigram: bigram / n };
}

/**
 * The trained model with its tokenizer (what trainGpt returns as `model`);
 * `dispose()` frees its weights. {@link continueText} makes it write.
 */
export class CharGpt {
  /**
   * @param {import('wasmml').nlp.GptModel} model
   * @param {import('wasmml').nlp.CharTokenizer} tokenizer
   */
  constructor(model, tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /**
   * The prompt's ids. Characters the novel never uses are mapped where it has
   * an equivalent (straight quotes to its curly ones) and left out otherwise.
   * @param {string} prompt
   * @returns {{ ids: number[], prompt: string, leftOut: string[] }} the ids, the prompt they spell, what was left out
   */
  encodePrompt(prompt) {
    const known = new Set(this.tokenizer.chars);
    const mapped = Array.from(prompt, (c) => (known.has(c) ? c : (QUOTES[c] ?? c)));
    const leftOut = [...new Set(mapped.filter((c) => !known.has(c)))];
    const kept = mapped.filter((c) => known.has(c)).join('');
    return { ids: this.tokenizer.encode(kept), prompt: kept, leftOut };
  }

  dispose() {
    this.model.dispose();
  }
}

const QUOTES = { "'": '’', '"': '“', '`': '‘' };

/**
 * Continues `prompt` with the model, calling `onText` with each new
 * character as it is sampled (KV-cached: one single-position step each).
 * @param {CharGpt} lm
 * @param {string} prompt
 * @param {{ onText?: (text: string) => void } & import('wasmml').nlp.GenerateOptions} [options] sampling options (default GPT_SAMPLING)
 * @returns {Promise<{ prompt: string, text: string, tokens: number, tokensPerSecond: number, leftOut: string[] }>}
 *   the prompt as encoded, the new text, its length in tokens, the generation speed
 */
export async function continueText(lm, prompt, { onText, ...sampling } = {}) {
  const encoded = lm.encodePrompt(prompt);
  if (encoded.ids.length === 0) throw new Error(`gpt: the prompt ${JSON.stringify(prompt)} has no character the model knows`);
  let text = '';
  let tokens = 0;
  const started = performance.now();
  for await (const id of wm.nlp.streamTokens(lm.model, encoded.ids, { ...GPT_SAMPLING, ...sampling })) {
    const piece = lm.tokenizer.decode([id]);
    text += piece;
    tokens++;
    onText?.(piece);
  }
  const seconds = (performance.now() - started) / 1000;
  return { prompt: encoded.prompt, text, tokens, tokensPerSecond: Math.round(tokens / Math.max(seconds, 1e-3)), leftOut: encoded.leftOut };
}

/**
 * Trains the GPT on windows of the training part of `text` (`limit` of them,
 * spread evenly over it; default 12,800), validating after each epoch on
 * windows of the held-out part, and scores it there beside the n-gram
 * baselines. `callbacks` are fit() callbacks (the loss is reported per batch).
 * @param {{
 *   text: string, epochs?: number, batchSize?: number, limit?: number, seed?: number, learningRate?: number, callbacks?: any,
 * }} options
 */
export async function trainGpt({ text, epochs = 2, batchSize = 32, limit = 12_800, seed = 1, learningRate = 3e-3, callbacks }) {
  // fit's shuffling draws from the global generator.
  wm.setSeed(seed);
  const split = splitText(text);
  const tokenizer = wm.nlp.CharTokenizer.fit(text);
  const trainIds = tokenizer.encode(split.train);
  const valIds = tokenizer.encode(split.validation);
  const base = ngramBaselines(trainIds, valIds, tokenizer.vocabSize);
  const T = GPT_MODEL.contextLength;
  const spread = (ids, n) => Math.max(1, Math.floor((ids.length - T - 1) / n));
  const train = wm.nlp.shiftedWindows(trainIds, { contextLength: T, stride: spread(trainIds, limit), maxWindows: limit });
  const val = wm.nlp.shiftedWindows(valIds, {
    contextLength: T,
    stride: spread(valIds, VALIDATION_WINDOWS),
    maxWindows: VALIDATION_WINDOWS,
  });
  const model = wm.nlp.gpt({ vocabSize: tokenizer.vocabSize, ...GPT_MODEL, seed });
  const lm = new CharGpt(model, tokenizer);
  try {
    model.compile({ optimizer: wm.train.adam(learningRate), loss: wm.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const started = performance.now();
    const history = await model.fit(train.xs, train.ys, {
      epochs,
      batchSize,
      shuffle: true,
      validationData: [val.xs, val.ys],
      verbose: 0,
      callbacks,
    });
    const seconds = (performance.now() - started) / 1000;
    const valLoss = history.history.val_loss.at(-1);
    const windows = train.xs.shape[0];
    const results = {
      params: model.parameterCount(),
      trainWindows: windows,
      trainTokens: windows * T * history.epoch.length,
      // Training tokens per second, the per-epoch validation included.
      tokensPerSecond: Math.round((windows * T * history.epoch.length) / seconds),
      valLoss,
      unigramLoss: base.unigram,
      bigramLoss: base.bigram,
      // Nats per character below the bigram baseline (positive: the model beats it).
      bigramGain: base.bigram - valLoss,
    };
    const report = [
      `text: ${text.length} characters, ${tokenizer.vocabSize} distinct; held out: ${split.validationBlocks} of ${split.blocks} ` +
        `blocks (${split.validation.length} characters), scored on ${val.xs.shape[0]} windows of ${T}`,
      `validation loss ${valLoss.toFixed(3)} nats per character; baselines on the held-out text: ` +
        `unigram ${base.unigram.toFixed(3)}, bigram ${base.bigram.toFixed(3)}`,
    ];
    return { model: lm, history, results, report };
  } catch (e) {
    lm.dispose();
    throw e;
  } finally {
    wm.dispose([train.xs, train.ys, val.xs, val.ys]);
  }
}
