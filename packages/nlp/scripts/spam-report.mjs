// Figures for the @wasmml/nlp README on the SpamAssassin corpus (seeded 80/20
// split): the LSTM classifier, the transformer classifier, and pre-training +
// fine-tuning with 5 % of the training labels against training from scratch.
// Runs against the built dist: `pnpm build` first, then
//   node packages/nlp/scripts/spam-report.mjs [lstm|transformer|fewshot ...]
// Env: SPAM_EPOCHS (default 3), SPAM_SEQ (default 200), SPAM_SEED (default 42); few-shot: SPAM_PRE_EPOCHS (10;
// the README's best bag-of-embeddings row used 20 with SPAM_PRE_LR=0.01),
// SPAM_PRE_LR (3e-3), SPAM_FT_EPOCHS (frozen, 10), SPAM_UNFROZEN_EPOCHS (20), SPAM_FEWSHOT (a config name prefix).
import * as wm from '@wasmml/tensor';
import { loadSpamAssassin } from '@wasmml/datasets';
import { adam } from '@wasmml/optimizers';
import { TextClassificationPipeline, TextVectorizer, seededRandom, shuffleInPlace } from '@wasmml/nlp';

const which = process.argv.slice(2);
const want = (k) => which.length === 0 || which.includes(k);
const EPOCHS = Number(process.env.SPAM_EPOCHS ?? 3),
  SEQ = Number(process.env.SPAM_SEQ ?? 200),
  SEED = Number(process.env.SPAM_SEED ?? 42);

await wm.ready();
wm.setSeed(SEED);
const corpus = await loadSpamAssassin();
const order = shuffleInPlace(
  Array.from(corpus.texts, (_, i) => i),
  seededRandom(SEED),
);
const cut = Math.floor(order.length * 0.8);
const pick = (ids) => ({ texts: ids.map((i) => corpus.texts[i]), labels: ids.map((i) => corpus.labels[i]) });
const train = pick(order.slice(0, cut)),
  test = pick(order.slice(cut));
console.log(
  JSON.stringify({
    corpus: corpus.texts.length,
    train: train.texts.length,
    test: test.texts.length,
    seqLen: SEQ,
    epochs: EPOCHS,
    seed: SEED,
  }),
);

function line(name, report, extra = {}) {
  console.log(
    JSON.stringify({
      case: name,
      accuracy: round(report.accuracy),
      spam_precision: round(report.precision[1]),
      spam_recall: round(report.recall[1]),
      spam_f1: round(report.f1[1]),
      confusion: report.confusionMatrix,
      ...extra,
    }),
  );
}
const round = (x) => Math.round(x * 10000) / 10000;

async function trainAndReport(name, classifier, fitArgs = {}, data = train) {
  const p = new TextClassificationPipeline({
    vectorizer: { maxTokens: 10000, outputSequenceLength: SEQ },
    classifier,
    classNames: ['ham', 'spam'],
  });
  const t0 = performance.now();
  const h = await p.fit(data.texts, data.labels, { epochs: EPOCHS, batchSize: 32, ...fitArgs });
  const s = (performance.now() - t0) / 1000;
  line(name, p.evaluate(test.texts, test.labels), {
    train_s: Math.round(s),
    train_seq_per_s: Math.round((data.texts.length * EPOCHS) / s),
    loss: h.history.loss.map(round),
  });
  return p;
}

if (want('lstm')) {
  const p = await trainAndReport('Embedding(10000,256) -> LSTM(128) -> Dense(2), Adam 1e-3, batch 32', {
    encoder: 'lstm',
    embeddingDim: 256,
    units: 128,
    numClasses: 2,
  });
  p.dispose();
}
if (want('transformer')) {
  const p = await trainAndReport('PositionalEmbedding(10000,128) -> TransformerEncoder(4 heads, ff 256) -> avg pool -> Dense(2)', {
    encoder: 'transformer',
    embeddingDim: 128,
    units: 256,
    numHeads: 4,
    numClasses: 2,
    dropout: 0.1,
  });
  p.dispose();
}
if (want('fewshot')) {
  // 5 % of the training labels; the vectorizer and the pre-training see all training texts (no labels).
  const few = order.slice(0, Math.round(cut * 0.05));
  const fewData = pick(few);
  const FT_EPOCHS = Number(process.env.SPAM_FT_EPOCHS ?? 10),
    UNFROZEN_EPOCHS = Number(process.env.SPAM_UNFROZEN_EPOCHS ?? 20);
  const PRE_EPOCHS = Number(process.env.SPAM_PRE_EPOCHS ?? 10),
    PRE_LR = Number(process.env.SPAM_PRE_LR ?? 3e-3);
  const LR = 3e-3;
  const configs = [
    [
      'LSTM(64), mean-pooled states, next-token pre-training',
      { encoder: 'lstm', embeddingDim: 64, units: 64, numClasses: 2, pooling: 'mean' },
    ],
    ['bag of embeddings (64), masked-token pre-training', { encoder: 'bag-of-embeddings', embeddingDim: 64, units: 64, numClasses: 2 }],
  ];
  for (const [name, cfg] of configs) {
    if (process.env.SPAM_FEWSHOT && !name.startsWith(process.env.SPAM_FEWSHOT)) continue;
    const vec = () => new TextVectorizer({ maxTokens: 10000, outputSequenceLength: SEQ });
    // From scratch on the few labels (vocabulary from all training texts, as for the pre-trained one), as many epochs
    // over the labels as the pre-trained model gets in its two fine-tuning phases.
    wm.setSeed(SEED);
    const scratch = new TextClassificationPipeline({ vectorizer: vec(), classifier: cfg, learningRate: LR });
    await scratch.adapt(train.texts);
    await scratch.fit(fewData.texts, fewData.labels, { epochs: FT_EPOCHS + UNFROZEN_EPOCHS, batchSize: 16 });
    line(`${name}: from scratch, ${few.length} labels (5 %)`, scratch.evaluate(test.texts, test.labels), {
      epochs: FT_EPOCHS + UNFROZEN_EPOCHS,
    });
    scratch.dispose();
    wm.setSeed(SEED);
    const pre = new TextClassificationPipeline({ vectorizer: vec(), classifier: cfg, learningRate: LR });
    await pre.adapt(train.texts);
    const t0 = performance.now();
    const { loss } = await pre.pretrain(train.texts, { epochs: PRE_EPOCHS, seed: SEED, targetsPerSequence: 8, learningRate: PRE_LR });
    console.log(
      JSON.stringify({
        case: `${name}: pre-training on the ${train.texts.length} unlabelled training texts`,
        epochs: PRE_EPOCHS,
        loss: loss.map(round),
        seconds: Math.round((performance.now() - t0) / 1000),
      }),
    );
    // The new head learns fast on frozen features (1e-2); unfrozen, a smaller step (1e-3) keeps what pre-training learnt.
    const recompile = (lr) => pre.model.compile({ optimizer: adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    pre.model.freezeEncoder();
    recompile(1e-2);
    await pre.fit(fewData.texts, fewData.labels, { epochs: FT_EPOCHS, batchSize: 16 });
    line(`${name}: pre-trained, head fine-tuned on the frozen encoder, ${few.length} labels`, pre.evaluate(test.texts, test.labels), {
      epochs: FT_EPOCHS,
    });
    pre.model.unfreezeEncoder();
    recompile(1e-3);
    await pre.fit(fewData.texts, fewData.labels, { epochs: UNFROZEN_EPOCHS, batchSize: 16 });
    line(`${name}: pre-trained, then unfrozen and fine-tuned, ${few.length} labels`, pre.evaluate(test.texts, test.labels), {
      epochs: FT_EPOCHS + UNFROZEN_EPOCHS,
    });
    pre.dispose();
  }
}
