// Embedding: integer ids -> dense vectors (gather forward, scatter-add backward).
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { assertPositiveInt, type Shape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: Initializer | InitializerIdentifier;
  embeddingsRegularizer?: Regularizer | RegularizerIdentifier;
  /** Treat id 0 as padding: downstream layers that support masking skip it. */
  maskZero?: boolean;
  inputLength?: number;
}

export class Embedding extends Layer {
  static readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | undefined;
  private readonly init: Initializer;
  private readonly reg: Regularizer | undefined;
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

  getClassName() { return 'Embedding'; }

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
      throw new Error(`${this.name} (embedding): ids must lie in [0, ${this.inputDim}) for input of shape [${x.shape}]: ${(e as Error).message}`);
    }
  }

  override computeMask(inputs: Tensor | Tensor[]): Tensor | null {
    if (!this.maskZero) return null;
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return ops.notEqual(x, 0);
  }

  override getConfig() {
    return {
      ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim, maskZero: this.maskZero,
      embeddingsInitializer: serializeInitializer(this.init), ...(this.inputLength !== undefined ? { inputLength: this.inputLength } : {}),
    };
  }
}
