// The last step of a sequence [batch, T, d] -> [batch, d]. With a masked
// recurrent layer that returns sequences, masked steps repeat the previous
// state, so the last step is the state after the last real token: the same as
// returnSequences false, while the sequence stays available for pre-training.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { Layer, type Shape } from '@wasmml/layers';

/** Takes the last time step of a sequence. */
export class LastTimestep extends Layer {
  /** Saved class name. */
  static readonly className = 'LastTimestep';
  getClassName() {
    return 'LastTimestep';
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : inputShape) as Shape;
    return [s[0] ?? null, s[s.length - 1] ?? null];
  }

  override computeMask(): null {
    return null;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 3) throw new Error(`${this.name}: expected [batch, steps, features], got [${x.shape}]`);
    const [B, T, d] = x.shape as [number, number, number];
    return ops.reshape(ops.slice(x, [0, T - 1, 0], [B, 1, d]), [B, d]);
  }
}
