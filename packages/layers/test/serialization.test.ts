// serialization.registerClass: a custom layer saved in a model loads back
// through loadLayersModel once registered, and not before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { Layer, layerClasses, layers, loadLayersModel, sequential, serialization, type LayerArgs } from '@wasmml/layers';

/** y = x * factor, a layer without weights whose setting lives in its config. */
class Scale extends Layer {
  static readonly className = 'TestScale';
  readonly factor: number;
  constructor(args: LayerArgs & { factor: number }) {
    super(args);
    this.factor = args.factor;
  }
  getClassName() {
    return 'TestScale';
  }
  call(inputs: wm.Tensor | wm.Tensor[]): wm.Tensor {
    return wm.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.factor);
  }
  override getConfig() {
    return { ...super.getConfig(), factor: this.factor };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'wasmml-serialization-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serialization.registerClass', () => {
  it('makes a custom layer loadable, with its config and the weights around it', async () => {
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [2] }), new Scale({ factor: 2.5 })] });
    await m.save(`file://${dir}`);
    await expect(loadLayersModel(`file://${dir}`)).rejects.toThrow(/TestScale/);
    expect(serialization.registerClass(Scale)).toBe(Scale);
    const back = await loadLayersModel(`file://${dir}`);
    const x = wm.tensor([
      [1, -2],
      [0.5, 3],
    ]);
    expect(Array.from((back.predict(x) as wm.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as wm.Tensor).dataSync()));
    expect((back.layers[1] as Scale).factor).toBe(2.5);
  });

  it('accepts the same class twice; refuses a class without className or under a taken name', () => {
    expect(() => serialization.registerClass(Scale)).not.toThrow();
    class Other extends Scale {}
    expect(() => serialization.registerClass(Other)).toThrow(/already registered as 'TestScale'/);
    class Nameless extends Layer {
      getClassName() {
        return 'Nameless';
      }
      call(x: wm.Tensor | wm.Tensor[]) {
        return x as wm.Tensor;
      }
    }
    expect(() => serialization.registerClass(Nameless as never)).toThrow(/no static className/);
    expect(layerClasses.Dense).toBeDefined();
  });
});
