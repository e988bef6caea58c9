// SpamAssassin e-mails with a text classifier: raw e-mails (headers included)
// -> a vocabulary of 10,000 tokens -> Embedding(64) -> LSTM(64) -> Dense(2),
// trained with Adam through @wasmml/nlp's TextClassificationPipeline on a
// seeded 80/20 split, scored on the held-out fifth. Runtime-agnostic: the
// runners load the corpus their own way ({texts, labels}) and hand it in.
import * as wm from 'wasmml';

/** Class names in label order. */
export const SPAM_CLASSES = ['ham', 'spam'];

/** The classifier's settings: small enough to train in a browser tab in a minute. */
export const SPAM_MODEL = {
  vectorizer: { maxTokens: 10000, outputSequenceLength: 150 },
  classifier: { encoder: 'lstm', embeddingDim: 64, units: 64, numClasses: 2 },
};

/**
 * A seeded 80/20 split of the corpus (shuffled first: the corpus comes grouped
 * by class); the training part is cut to `limit` texts. The test part never
 * depends on `limit`, so short and full runs are scored on the same e-mails.
 * @param {{ texts: string[], labels: ArrayLike<number> }} corpus
 * @param {{ testFraction?: number, limit?: number, seed?: number }} [options]
 */
export function splitCorpus(corpus, { testFraction = 0.2, limit, seed = 42 } = {}) {
  const order = wm.nlp.shuffleInPlace(
    Array.from(corpus.texts, (_, i) => i),
    wm.nlp.seededRandom(seed),
  );
  const cut = Math.floor(order.length * (1 - testFraction));
  const pick = (ids) => ({ texts: ids.map((i) => corpus.texts[i]), labels: ids.map((i) => corpus.labels[i]) });
  return { train: pick(limit ? order.slice(0, Math.min(cut, limit)) : order.slice(0, cut)), test: pick(order.slice(cut)) };
}

/**
 * Trains the classifier on 80 % of `corpus` (validating on the other 20 %
 * after each epoch) and scores it there: accuracy, and precision / recall /
 * F1 of the spam class. `callbacks` are fit() callbacks.
 * @param {{
 *   corpus: { texts: string[], labels: ArrayLike<number> },
 *   epochs?: number, batchSize?: number, limit?: number, seed?: number, learningRate?: number, callbacks?: any,
 * }} options
 */
export async function trainSpam({ corpus, epochs = 3, batchSize = 32, limit, seed = 1, learningRate = 0.001, callbacks }) {
  wm.setSeed(seed);
  const { train, test } = splitCorpus(corpus, { limit });
  const pipeline = new wm.nlp.TextClassificationPipeline({ ...SPAM_MODEL, classNames: SPAM_CLASSES, learningRate });
  await pipeline.adapt(train.texts);
  const started = Date.now();
  const history = await pipeline.fit(train.texts, train.labels, {
    epochs,
    batchSize,
    shuffle: true,
    validationData: [test.texts, test.labels],
    callbacks,
  });
  const seconds = (Date.now() - started) / 1000;
  const report = pipeline.evaluate(test.texts, test.labels);
  const spam = SPAM_CLASSES.indexOf('spam');
  const [[tn, fp], [fn, tp]] = report.confusionMatrix;
  return {
    model: pipeline,
    history,
    results: {
      trainTexts: train.texts.length,
      testTexts: test.texts.length,
      textsPerSecond: Math.round((train.texts.length * history.epoch.length) / seconds),
      testAccuracy: report.accuracy,
      spamPrecision: report.precision[spam],
      spamRecall: report.recall[spam],
      spamF1: report.f1[spam],
    },
    report: [
      `held-out e-mails: ${test.texts.length} (${tp + fn} spam); vocabulary ${pipeline.vectorizer.vocabularySize()} tokens`,
      `confusion (rows: true ham, spam; columns: predicted ham, spam): [${tn}, ${fp}], [${fn}, ${tp}]`,
    ],
  };
}

/**
 * Spam probability of each text, with the trained pipeline.
 * @param {import('wasmml').nlp.TextClassificationPipeline} pipeline
 * @param {string[]} texts
 */
export function spamProbability(pipeline, texts) {
  return pipeline.predict(texts).probabilities.map((p) => p[SPAM_CLASSES.indexOf('spam')]);
}
