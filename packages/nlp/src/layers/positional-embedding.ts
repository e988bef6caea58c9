// Token + learned position embeddings (keras_nlp TokenAndPositionEmbedding):
// what a transformer reads, since attention alone ignores word order.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { Layer, getInitializer, type Initializer, type InitializerIdentifier, type LayerArgs, type Shape } from '@wasmml/layers';

/** Options of {@link PositionalEmbedding}. */
export interface PositionalEmbeddingArgs extends LayerArgs {
  /** Number of token ids (the vocabulary size). */
  inputDim: number;
  /** Embedding size. */
  outputDim: number;
  /** Longest sequence (number of learned positions). */
  sequenceLength: number;
  /** Id 0 is padding: a mask goes to the layers that follow (default true). */
  maskZero?: boolean;
  /** Initialiser of both tables (default randomUniform). */
  embeddingsInitializer?: Initializer | InitializerIdentifier;
}

/** ids [batch, T] -> token embedding + position embedding [batch, T, outputDim]. */
export class PositionalEmbedding extends Layer {
  /** Saved class name. */
  static readonly className = 'PositionalEmbedding';
  /** Number of token ids. */
  readonly inputDim: number;
  /** Embedding size. */
  readonly outputDim: number;
  /** Number of learned positions. */
  readonly sequenceLength: number;
  /** Whether id 0 is padding (masked). */
  readonly maskZero: boolean;
  private readonly init: Initializer;
  /** The [inputDim, outputDim] token embeddings (after build). */
  tokenEmbeddings: Tensor | undefined;
  /** The [sequenceLength, outputDim] position embeddings (after build). */
  positionEmbeddings: Tensor | undefined;

  constructor(args: PositionalEmbeddingArgs) {
    super(args);
    for (const k of ['inputDim', 'outputDim', 'sequenceLength'] as const) {
      if (!Number.isInteger(args[k]) || args[k] < 1)
        throw new Error(`PositionalEmbedding: ${k} must be a positive integer, got ${args[k]}`);
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.sequenceLength = args.sequenceLength;
    this.maskZero = args.maskZero ?? true;
    this.init = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
    this.supportsMasking = this.maskZero;
  }

  getClassName() {
    return 'PositionalEmbedding';
  }

  override build(): void {
    this.tokenEmbeddings = this.addWeight('token_embeddings', [this.inputDim, this.outputDim], this.init);
    this.positionEmbeddings = this.addWeight('position_embeddings', [this.sequenceLength, this.outputDim], this.init);
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
    if (x.rank !== 2) throw new Error(`${this.name}: expected ids [batch, steps], got [${x.shape}]`);
    const T = x.shape[1]!;
    if (T > this.sequenceLength)
      throw new Error(`${this.name}: sequences of ${T} steps are longer than sequenceLength ${this.sequenceLength}`);
    const ids = x.dtype === 'int32' ? x : ops.cast(x, 'int32');
    const pos = T === this.sequenceLength ? this.positionEmbeddings! : ops.slice(this.positionEmbeddings!, [0, 0], [T, this.outputDim]);
    return ops.add(ops.gather(this.tokenEmbeddings!, ids, 0), pos);
  }

  override computeMask(inputs: Tensor | Tensor[]): Tensor | null {
    if (!this.maskZero) return null;
    return ops.notEqual(Array.isArray(inputs) ? inputs[0]! : inputs, 0);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      sequenceLength: this.sequenceLength,
      maskZero: this.maskZero,
    };
  }
}
