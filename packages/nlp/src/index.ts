/**
 * @wasmml/nlp — text processing and trainable text models on wasmml:
 * Keras-style TextVectorizer, byte-pair encoding, attention / positional
 * embedding / transformer encoder layers, `textClassifier`, self-supervised
 * pre-training of text encoders, and an end-to-end TextClassificationPipeline.
 * @packageDocumentation
 */
export {
  TextVectorizer,
  type TextVectorizerArgs,
  type TextVectorizerJSON,
  type OutputMode,
} from './text/vectorizer.js';
export { standardizeText, splitText, type Standardize, type Split, type Tokenizer } from './text/standardize.js';
export { BpeTokenizer, END_OF_WORD, type BpeTrainArgs, type BpeTokenizerJSON } from './text/bpe.js';
export {
  PretrainedTokenizer,
  type TokenizerJSON,
  type AddedTokenJSON,
  type Encoding,
  type EncodeOptions,
} from './text/hf/tokenizer.js';
export { MultiHeadAttention, type MultiHeadAttentionArgs } from './layers/multi-head-attention.js';
export { PositionalEmbedding, type PositionalEmbeddingArgs } from './layers/positional-embedding.js';
export { TransformerEncoder, type TransformerEncoderArgs } from './layers/transformer-encoder.js';
export { LastTimestep } from './layers/last-timestep.js';
export { TextClassifier, textClassifier, type TextClassifierArgs, type EncoderKind } from './models/text-classifier.js';
export { pretrainTextEncoder, type PretrainArgs, type PretrainObjective, type PretrainResult } from './training/pretrain.js';
export { seededRandom, shuffleInPlace } from './training/random.js';
export { classificationReport, type ClassificationReport, type ClassificationReportOptions } from './metrics.js';
export { gpt, GptModel, disposeCache, type GptArgs, type GptCache, type GptStep } from './models/gpt/model.js';
export {
  GptEmbedding,
  GptDecoderBlock,
  GptHead,
  type GptNorm,
  type GptPositions,
  type GptActivation,
  type GptShape,
  type BlockStep,
} from './models/gpt/blocks.js';
export { gptClassifier, GptPooler, type GptClassifierArgs, type GptPooling } from './models/gpt/classifier.js';
export { generate, streamTokens, sampleLogits, type GenerateOptions } from './models/gpt/generate.js';
export {
  gptArgsFromGpt2Config,
  gpt2ConfigOf,
  gpt2WeightNames,
  loadGpt2Weights,
  type Gpt2Config,
  type CheckpointTensor,
  type CheckpointTensors,
} from './models/gpt/hf-gpt2.js';
export {
  bert,
  BertModel,
  BertEmbeddings,
  BertPooler,
  bertClassifier,
  type BertArgs,
  type BertClassifierArgs,
  type BertShape,
} from './models/bert/model.js';
export { bertArgsFromConfig, bertConfigOf, bertWeightNames, loadBertWeights, type BertConfig } from './models/bert/hf-bert.js';
export { addLora, LoraAdapters, type LoraArgs, type AttachedAdapter, type LoraState, type LoraTensor } from './lora/lora.js';
export type { LoraAdapter } from './lora/registry.js';
export {
  loadPretrained,
  pretrainedFromFiles,
  pretrainedToFiles,
  type Pretrained,
  type PretrainedFiles,
  type PretrainedArchitecture,
} from './models/hf/pretrained.js';
export {
  shiftedWindows,
  padIds,
  documentWindows,
  CharTokenizer,
  type ShiftedWindowArgs,
  type ShiftedWindows,
  type PadArgs,
} from './models/gpt/data.js';
export {
  causalSelfAttention,
  causalMask,
  rotaryTables,
  rmsNorm,
  type KvCache,
  type Rotary,
  type CausalAttentionWeights,
  type AttentionResult,
} from './layers/causal-attention.js';
export type { ModelJSON } from './text/hf/models.js';
export type { NormalizerJSON } from './text/hf/normalizers.js';
export type { PreTokenizerJSON } from './text/hf/pre-tokenizers.js';
export type { ComponentJSON } from './text/hf/processors.js';
export type { TruncationJSON, PaddingJSON, FixedPadding } from './text/hf/tokenizer.js';
export {
  TextClassificationPipeline,
  type TextClassificationPipelineArgs,
  type PipelineClassifierArgs,
  type PipelineFitArgs,
  type PipelinePrediction,
  type PipelineArtifacts,
} from './pipeline.js';

import { layerArgsKeys, registerClass } from '@wasmml/layers';
import { checkOptions } from '@wasmml/tensor';
import { LastTimestep } from './layers/last-timestep.js';
import { MultiHeadAttention, type MultiHeadAttentionArgs } from './layers/multi-head-attention.js';
import { PositionalEmbedding, type PositionalEmbeddingArgs } from './layers/positional-embedding.js';
import { TransformerEncoder, type TransformerEncoderArgs } from './layers/transformer-encoder.js';

/** Factories in the `layers.*` style: `nlpLayers.multiHeadAttention({...})`. */
export const nlpLayers = {
  /** Multi-head scaled dot-product attention. */
  multiHeadAttention: (args: MultiHeadAttentionArgs) =>
    new MultiHeadAttention(
      checkOptions('nlpLayers.multiHeadAttention', args, {
        ...layerArgsKeys,
        numHeads: true,
        keyDim: true,
        valueDim: true,
        dropout: true,
        useBias: true,
        outputShape: true,
        kernelInitializer: true,
        biasInitializer: true,
        seed: true,
      }),
    ),
  /** Token + learned position embeddings. */
  positionalEmbedding: (args: PositionalEmbeddingArgs) =>
    new PositionalEmbedding(
      checkOptions('nlpLayers.positionalEmbedding', args, {
        ...layerArgsKeys,
        inputDim: true,
        outputDim: true,
        sequenceLength: true,
        maskZero: true,
        embeddingsInitializer: true,
      }),
    ),
  /** A transformer encoder block. */
  transformerEncoder: (args: TransformerEncoderArgs) =>
    new TransformerEncoder(
      checkOptions('nlpLayers.transformerEncoder', args, {
        ...layerArgsKeys,
        intermediateDim: true,
        numHeads: true,
        dropout: true,
        activation: true,
        layerNormEpsilon: true,
        normalizeFirst: true,
        seed: true,
      }),
    ),
};

// Models built from these layers save with model.save and load with loadLayersModel.
for (const cls of [MultiHeadAttention, PositionalEmbedding, TransformerEncoder, LastTimestep]) registerClass(cls);
