// TextClassificationPipeline: vectorizer + text classifier, trained, scored,
// used and saved together, so the vocabulary always travels with the weights.
//
// Saving: the pipeline saves its own small JSON (the vectorizer, the
// textClassifier options that rebuild the same graph, and the weights as base64
// float32 in getWeights() order), since @wasmml/layers' loadLayersModel does not
// know this package's layers (PositionalEmbedding, TransformerEncoder, LastTimestep).
import * as ops from '@wasmml/tensor';
import { checkOptions } from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import type { Callback, CustomCallbackArgs, History } from '@wasmml/layers';
import { adam, type Optimizer } from '@wasmml/optimizers';
import { files } from './text-files.js';
import { TextVectorizer, type TextVectorizerArgs, type TextVectorizerJSON } from './text/vectorizer.js';
import type { Split, Standardize } from './text/standardize.js';
import { TextClassifier, type TextClassifierArgs } from './models/text-classifier.js';
import { classificationReport, type ClassificationReport } from './metrics.js';
import { pretrainTextEncoder, type PretrainArgs, type PretrainResult } from './training/pretrain.js';
import { decodeBase64, encodeBase64 } from './base64.js';

/** Classifier options the pipeline fills in itself (vocabSize and sequenceLength come from the vectorizer). */
export type PipelineClassifierArgs = Omit<TextClassifierArgs, 'vocabSize' | 'sequenceLength'> & {
  /** Default: the vectorizer's outputSequenceLength. */
  sequenceLength?: number;
};

/** Options of {@link TextClassificationPipeline}. */
export interface TextClassificationPipelineArgs {
  /** A vectorizer, or its options (default: maxTokens 10000, outputSequenceLength 200, 'int' output). */
  vectorizer?: TextVectorizer | TextVectorizerArgs;
  /** Classifier options. */
  classifier: PipelineClassifierArgs;
  /** Names of the classes, in label order. */
  classNames?: string[];
  /** Adam learning rate used to compile the model (default 1e-3). */
  learningRate?: number;
}

/** Options of {@link TextClassificationPipeline.fit}. */
export interface PipelineFitArgs {
  /** Epochs (default 1). */
  epochs?: number;
  /** Batch size (default 32). */
  batchSize?: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  /** Texts and labels scored after each epoch. */
  validationData?: [string[], ArrayLike<number>];
  /** Fraction of the texts held out for validation. */
  validationSplit?: number;
  /** 0 silent (default), 1 progress, 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Callbacks, as for model.fit. */
  callbacks?: Callback | CustomCallbackArgs | Array<Callback | CustomCallbackArgs>;
  /**
   * Recompile with Adam at this learning rate before training (kept for later fits and saved): the frozen-then-
   * unfrozen recipe trains at 1e-2 with the encoder frozen, then at 1e-3 unfrozen. A fresh Adam starts, as after
   * Keras's `compile()`. Default: the current rate and optimizer, whose state carries on.
   */
  learningRate?: number;
  /** Recompile with this optimizer (or optimizer name) before training; takes precedence over learningRate. */
  optimizer?: Optimizer | string;
}

/** Predictions for a batch of texts. */
export interface PipelinePrediction {
  /** Predicted class per text. */
  labels: number[];
  /** Predicted class name per text (when classNames were given). */
  names?: string[];
  /** Class probabilities per text. */
  probabilities: number[][];
}

function parsePipelineJSON(text: string, path: string): PipelineArtifacts {
  try {
    return JSON.parse(text) as PipelineArtifacts;
  } catch (e) {
    throw new Error(
      `TextClassificationPipeline.load: ${path} is not valid JSON (${(e as Error).message}); a truncated or partly written file?`,
      { cause: e },
    );
  }
}

/** The saved form of a pipeline (JSON-serialisable). */
export interface PipelineArtifacts {
  /** Marks the JSON as a saved pipeline. */
  format: 'wasmml-text-classification-pipeline';
  /** Format version. */
  version: 1;
  /** The vectorizer. */
  vectorizer: TextVectorizerJSON;
  /** Classifier options. */
  classifier: TextClassifierArgs;
  /** Names of the classes, in label order. */
  classNames?: string[];
  /** Adam learning rate the model is compiled with. */
  learningRate: number;
  /** Weights in getWeights() order. */
  weights: Array<{
    /** The weight's saved name (layer/weight). */
    name: string;
    /** Its shape. */
    shape: number[];
    /** Its float32 values, little-endian, base64. */
    data: string;
  }>;
}

/** A vectorizer and a text classifier, end to end from strings to classes. */
export class TextClassificationPipeline {
  /** The vectorizer. */
  readonly vectorizer: TextVectorizer;
  /** Names of the classes, in label order. */
  readonly classNames: string[] | undefined;
  /** Adam learning rate the model is compiled with (the last one given to the constructor or to fit). */
  learningRate: number;
  private readonly classifierArgs: PipelineClassifierArgs;
  private built: TextClassifier | undefined;

  constructor(args: TextClassificationPipelineArgs) {
    if (!args?.classifier)
      throw new Error('TextClassificationPipeline: give classifier options ({encoder, embeddingDim, units, numClasses})');
    this.vectorizer =
      args.vectorizer instanceof TextVectorizer
        ? args.vectorizer
        : new TextVectorizer({ maxTokens: 10000, outputSequenceLength: 200, ...args.vectorizer });
    if (this.vectorizer.outputMode !== 'int')
      throw new Error(
        `TextClassificationPipeline: the vectorizer must output token ids (outputMode 'int'), got '${this.vectorizer.outputMode}'`,
      );
    this.classifierArgs = { ...args.classifier };
    this.classNames = args.classNames;
    if (this.classNames && this.classNames.length !== args.classifier.numClasses) {
      throw new Error(`TextClassificationPipeline: ${this.classNames.length} classNames for numClasses ${args.classifier.numClasses}`);
    }
    this.learningRate = args.learningRate ?? 1e-3;
  }

  /** The model (built once the vectorizer has a vocabulary). */
  get model(): TextClassifier {
    if (!this.built) throw new Error('TextClassificationPipeline: no model yet; call adapt(texts) or fit(texts, labels) first');
    return this.built;
  }

  /** Builds the vectorizer's vocabulary from texts (fit does it when needed) and the model. */
  async adapt(texts: Iterable<string> | AsyncIterable<string>): Promise<void> {
    await this.vectorizer.adapt(texts);
    this.build();
  }

  private build(): void {
    if (this.built) return;
    const sequenceLength = this.classifierArgs.sequenceLength ?? this.vectorizer.outputSequenceLength;
    this.built = new TextClassifier({
      ...this.classifierArgs,
      vocabSize: this.vectorizer.vocabularySize(),
      ...(sequenceLength !== undefined ? { sequenceLength } : {}),
    });
    this.compileWith(adam(this.learningRate));
  }

  private compileWith(optimizer: Optimizer | string): void {
    this.built!.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  }

  /** Token ids [n, T] of texts. */
  vectorize(texts: string[]): Tensor {
    return this.vectorizer.apply(texts);
  }

  private targets(labels: ArrayLike<number>, n: number, op: string): Tensor {
    const C = this.classifierArgs.numClasses;
    if (labels.length !== n) throw new Error(`TextClassificationPipeline.${op}: ${n} texts but ${labels.length} labels`);
    const ids = Int32Array.from(labels as ArrayLike<number>);
    for (let i = 0; i < ids.length; i++) {
      if (ids[i]! < 0 || ids[i]! >= C || ids[i] !== labels[i])
        throw new Error(`TextClassificationPipeline.${op}: label ${labels[i]} at ${i} is not a class in [0, ${C})`);
    }
    return ops.tidy(() => ops.oneHot(ops.tensor(ids, [ids.length], 'int32'), C));
  }

  /** Trains on texts and integer labels (adapting the vectorizer first if it has no vocabulary). */
  async fit(texts: string[], labels: ArrayLike<number>, args: PipelineFitArgs = {}): Promise<History> {
    checkOptions('TextClassificationPipeline.fit', args, {
      epochs: true,
      batchSize: true,
      shuffle: true,
      validationData: true,
      validationSplit: true,
      verbose: true,
      callbacks: true,
      learningRate: true,
      optimizer: true,
    });
    if (args.learningRate !== undefined && !(args.learningRate > 0)) {
      throw new Error(`TextClassificationPipeline.fit: learningRate must be > 0, got ${args.learningRate}`);
    }
    if (!this.vectorizer.adapted) await this.vectorizer.adapt(texts);
    this.build();
    if (args.optimizer !== undefined) this.compileWith(args.optimizer);
    else if (args.learningRate !== undefined) {
      this.learningRate = args.learningRate;
      this.compileWith(adam(args.learningRate));
    }
    const x = this.vectorize(texts),
      y = this.targets(labels, texts.length, 'fit');
    const owned: Tensor[] = [x, y];
    try {
      let validationData: [Tensor, Tensor] | undefined;
      if (args.validationData) {
        const [vt, vl] = args.validationData;
        validationData = [this.vectorize(vt), this.targets(vl, vt.length, 'fit')];
        owned.push(...validationData);
      }
      return await this.model.fit(x, y, {
        /** Epochs (default 1). */
        epochs: args.epochs ?? 1,
        batchSize: args.batchSize ?? 32,
        shuffle: args.shuffle ?? true,
        verbose: args.verbose ?? 0,
        ...(validationData ? { validationData } : {}),
        ...(args.validationSplit ? { validationSplit: args.validationSplit } : {}),
        ...(args.callbacks ? { callbacks: args.callbacks } : {}),
      });
    } finally {
      ops.dispose(owned);
    }
  }

  /** Pre-trains the encoder on unlabelled texts (see pretrainTextEncoder). */
  async pretrain(texts: string[], args: PretrainArgs = {}): Promise<PretrainResult> {
    if (!this.vectorizer.adapted) await this.vectorizer.adapt(texts);
    this.build();
    return pretrainTextEncoder(this.model, this.vectorizer.encodeBatch(texts), args);
  }

  /** Class probabilities and predicted classes of texts. */
  predict(texts: string[], args: { batchSize?: number } = {}): PipelinePrediction {
    const x = this.vectorize(texts);
    try {
      const probs = this.model.predict(x, { batchSize: args.batchSize ?? 64 }) as Tensor;
      const C = this.classifierArgs.numClasses;
      const flat = probs.dataSync();
      probs.dispose();
      const probabilities: number[][] = [],
        labels: number[] = [];
      for (let i = 0; i < texts.length; i++) {
        const row = Array.from(flat.subarray(i * C, (i + 1) * C));
        probabilities.push(row);
        labels.push(row.indexOf(Math.max(...row)));
      }
      return { labels, probabilities, ...(this.classNames ? { names: labels.map((l) => this.classNames![l]!) } : {}) };
    } finally {
      x.dispose();
    }
  }

  /** Accuracy, precision, recall, F1 and confusion matrix on texts and labels. */
  evaluate(texts: string[], labels: ArrayLike<number>, args: { batchSize?: number } = {}): ClassificationReport {
    if (labels.length !== texts.length)
      throw new Error(`TextClassificationPipeline.evaluate: ${texts.length} texts but ${labels.length} labels`);
    const { labels: pred } = this.predict(texts, args);
    return classificationReport(Array.from(labels), pred, this.classifierArgs.numClasses, this.classNames);
  }

  /** The pipeline as JSON-serialisable artifacts; with a path (Node, Deno), also written there as JSON. */
  async save(path?: string): Promise<PipelineArtifacts> {
    const m = this.model;
    const weights = m.namedWeights.map((w) => ({
      name: w.originalName,
      shape: [...w.variable.shape],
      data: encodeBase64(new Uint8Array(Float32Array.from(w.variable.dataSync()).buffer)),
    }));
    const artifacts: PipelineArtifacts = {
      /** Marks the JSON as a saved pipeline. */
      format: 'wasmml-text-classification-pipeline',
      version: 1,
      vectorizer: this.vectorizer.toJSON(),
      classifier: { ...m.options },
      ...(this.classNames ? { classNames: [...this.classNames] } : {}),
      learningRate: this.learningRate,
      weights,
    };
    if (path !== undefined) {
      try {
        await files.writeText(path, JSON.stringify(artifacts));
      } catch (e) {
        throw new Error(
          `TextClassificationPipeline.save: cannot write ${path}: ${(e as Error).message}; ` +
            'the file that was there (if any) is unchanged',
          { cause: e },
        );
      }
    }
    return artifacts;
  }

  /**
   * Rebuilds a pipeline from save() artifacts or a saved JSON file. Custom
   * standardize / split functions are not saved: pass them again.
   */
  static async load(
    source: string | PipelineArtifacts,
    custom: { standardize?: Standardize; split?: Split } = {},
  ): Promise<TextClassificationPipeline> {
    const a: PipelineArtifacts = typeof source === 'string' ? parsePipelineJSON(await files.readText(source), source) : source;
    if (a?.format !== 'wasmml-text-classification-pipeline')
      throw new Error('TextClassificationPipeline.load: not a saved pipeline (format field missing)');
    const vectorizer = TextVectorizer.fromJSON(a.vectorizer, custom);
    const { vocabSize: _v, ...classifier } = a.classifier;
    const p = new TextClassificationPipeline({
      vectorizer,
      classifier,
      ...(a.classNames ? { classNames: a.classNames } : {}),
      learningRate: a.learningRate,
    });
    p.build();
    const named = p.model.namedWeights;
    if (named.length !== a.weights.length)
      throw new Error(
        `TextClassificationPipeline.load: the saved pipeline has ${a.weights.length} weights, the rebuilt model ${named.length}`,
      );
    const values = a.weights.map((w, i) => {
      const want = named[i]!.variable.shape;
      if (w.shape.join() !== want.join())
        throw new Error(`TextClassificationPipeline.load: weight ${i} (${w.name}) has shape [${w.shape}], the model expects [${want}]`);
      return ops.tensor(new Float32Array(decodeBase64(w.data).buffer), w.shape);
    });
    try {
      p.model.setWeights(values);
    } finally {
      ops.dispose(values);
    }
    return p;
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.built?.dispose();
  }
}
