// Embedding: integer ids -> dense vectors (gather forward, scatter-add backward).
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { assertPositiveInt, type Shape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

/** Arguments of {@link Embedding} (tfjs `EmbeddingLayerArgs`). */
export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: ids lie in [0, inputDim). */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Initializer of the embedding matrix (default 'randomUniform', in [-0.05, 0.05)). */
  embeddingsInitializer?: Initializer | InitializerIdentifier;
  /** Penalty on the embedding matrix added to the loss. */
  embeddingsRegularizer?: Regularizer | RegularizerIdentifier;
  /** Treat id 0 as padding: downstream layers that support masking skip it. */
  maskZero?: boolean;
  /** Sequence length, for a first layer without inputShape (sets inputShape to [inputLength]). */
  inputLength?: number;
}

/**
 * Maps integer ids to dense vectors (tfjs `tf.layers.embedding`): [batch, ...] ids to [batch, ..., outputDim]; trains
 * with a scatter-add gradient, so it works where tfjs-backend-wasm cannot train embeddings.
 */
export class Embedding extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Embedding';
  /** Vocabulary size. */
  readonly inputDim: number;
  /** Size of each embedding vector. */
  readonly outputDim: number;
  /** Whether id 0 is padding and produces a mask for the following layers. */
  readonly maskZero: boolean;
  /** Sequence length given at construction, if any. */
  readonly inputLength: number | undefined;
  private readonly init: Initializer;
  private readonly reg: Regularizer | undefined;
  /** The embedding matrix variable, [inputDim, outputDim], once built. */
  embeddings: Tensor | undefined;

  constructor(args: EmbeddingArgs) {
    super(args.inputLength !== undefined && !args.inputShape && !args.batchInputShape ? { ...args, inputShape: [args.inputLength] } : args);
    this.inputDim = assertPositiveInt(args.inputDim, 'embedding: inputDim');
    this.outputDim = assertPositiveInt(args.outputDim, 'embedding: outputDim');
    this.maskZero = args.maskZero ?? false;
    this.inputLength = args.inputLength;
    this.init = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
    this.reg = args.embeddingsRegularizer ? getRegularizer(args.embeddingsRegularizer) : undefined;
    this.supportsMasking = this.maskZero;
  }

  getClassName() {
    return 'Embedding';
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.init, { regularizer: this.reg ?? null });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : inputShape) as Shape;
    return [...s, this.outputDim];
  }

  protected override outputDtype(): 'float32' {
    return 'float32';
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const ids = x.dtype === 'int32' ? x : ops.cast(x, 'int32');
    try {
      return ops.gather(this.embeddings!, ids, 0);
    } catch (e) {
      throw new Error(
        `${this.name} (embedding): ids must lie in [0, ${this.inputDim}) for input of shape [${x.shape}]: ${(e as Error).message}`,
      );
    }
  }

  override computeMask(inputs: Tensor | Tensor[]): Tensor | null {
    if (!this.maskZero) return null;
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return ops.notEqual(x, 0);
  }

  /**
   * Layer settings for saving.
   * @property __type.inputDim Vocabulary size.
   * @property __type.outputDim Size of each embedding vector.
   * @property __type.maskZero Whether id 0 is padding.
   * @property __type.embeddingsInitializer Serialised initializer of the embedding matrix.
   * @property __type.inputLength Sequence length, when given.
   */
  override getConfig() {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      maskZero: this.maskZero,
      embeddingsInitializer: serializeInitializer(this.init),
      ...(this.inputLength !== undefined ? { inputLength: this.inputLength } : {}),
    };
  }
}
