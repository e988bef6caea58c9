// What the page shows for each task: the form's defaults, what the "limit"
// field counts, the first line of the status, and the summary when training
// is done. The tasks themselves are the Node runner's (models/index.mjs);
// the page imports their model code only, never their file loading.

const pct = (v) => `${(v * 100).toFixed(1)}%`;

/** Per-task page settings, keyed like models/index.mjs. */
export const PAGE_TASKS = {
  mnist: {
    form: { epochs: 3, limit: 9000, batchSize: 32 },
    limitName: 'digits',
    intro: 'Press Train: 10,000 real MNIST digits, a Conv-Pool-Conv-Pool-Dense network, Adam.',
    mainMetric: 'valAccuracy',
    summary: (r) => `validation accuracy ${pct(r.valAccuracy)}, ${r.samplesPerSecond} samples/s. Draw a digit →`,
  },
  spam: {
    form: { epochs: 3, limit: 4836, batchSize: 32 },
    limitName: 'e-mails',
    intro: 'Press Train: 6,046 real e-mails (SpamAssassin), 80 % to train, 20 % to test; Embedding → LSTM → Dense, Adam.',
    mainMetric: 'testAccuracy',
    summary: (r) =>
      `test accuracy ${pct(r.testAccuracy)}, spam precision ${pct(r.spamPrecision)}, recall ${pct(r.spamRecall)}, ` +
      `F1 ${r.spamF1.toFixed(3)}; ${r.textsPerSecond} e-mails/s. Try a message →`,
  },
  movielens: {
    form: { epochs: 20, limit: 0, batchSize: 1 },
    limitName: 'ratings (0: all)',
    noBatches: true,
    intro:
      'Press Train: MovieLens ratings (the real files when the server has them, else a synthetic set), 80 % to train, ' +
      '20 % to test; biased matrix factorisation, SGD.',
    mainMetric: 'rmseGain',
    summary: (r) =>
      `test RMSE ${r.testRmse.toFixed(4)} (baselines: item mean ${r.itemMeanRmse.toFixed(4)}, global mean ` +
      `${r.globalMeanRmse.toFixed(4)}); ${Math.round(r.ratingsPerSecond / 1000)}k ratings/s.`,
  },
  gpt: {
    form: { epochs: 2, limit: 12800, batchSize: 16 },
    limitName: 'windows of 64',
    intro:
      'Press Train: the text of Moby Dick, nine tenths to train (windows of 64 characters), a tenth to validate; ' +
      'a GPT of 2 decoder blocks, Adam. Then it continues your prompt.',
    mainMetric: 'bigramGain',
    summary: (r) =>
      `validation loss ${r.valLoss.toFixed(3)} nats per character (baselines: bigram ${r.bigramLoss.toFixed(3)}, unigram ` +
      `${r.unigramLoss.toFixed(3)}); ${Math.round(r.tokensPerSecond / 1000)}k tokens/s. Continue a text →`,
  },
};
