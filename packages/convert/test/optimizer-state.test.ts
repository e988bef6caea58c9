// Optimizer state in .keras files, both ways, for every optimizer both sides
// have: plain SGD, SGD with momentum (and Nesterov), RMSprop with momentum,
// Adagrad and AdamW (Adam: keras-roundtrip.test.ts). Keras trains three steps
// and saves; we load the file and take the step Keras took next: the loss
// after it must be Keras's. Then we train on, save, and Keras takes the next
// step from our file: its loss must be the one we reach from the same state.
// A fresh optimizer lands elsewhere, so the state is what makes them agree.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKerasModel, saveKerasModel } from '@wasmml/convert';
import type { LayersModel } from '@wasmml/layers';
import { optimizerFromConfig } from '@wasmml/optimizers';
import { tensor, type Tensor } from '@wasmml/tensor';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { beforeAll, describe, expect, it } from 'vitest';

const python = referencePython();
const script = readFileSync(new URL('./python/optimizer_state.py', import.meta.url), 'utf8');

/** Keras optimizer (file name) -> the class it becomes here. */
const OURS: Record<string, string> = {
  sgd: 'SGD',
  sgd_momentum: 'Momentum',
  sgd_nesterov: 'Momentum',
  rmsprop: 'RMSProp',
  adagrad: 'Adagrad',
  adamw: 'AdamW',
};
const NAMES = Object.keys(OURS);

interface Made {
  batches: Array<{ x: number[]; y: number[] }>;
  cases: Record<string, { loss: number; pred: number[] }>;
}

const batch = (b: { x: number[]; y: number[] }): [Tensor, Tensor] => [tensor(b.x, [16, 4]), tensor(b.y, [16, 2])];

/** One optimizer step on the batch (fit with one batch of all 16 rows). */
async function step(m: LayersModel, b: { x: number[]; y: number[] }): Promise<void> {
  const [x, y] = batch(b);
  await m.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
}

function mse(m: LayersModel, b: { x: number[]; y: number[] }): { loss: number; pred: Float32Array } {
  const [x, y] = batch(b);
  const p = m.predict(x) as Tensor;
  const pred = Float32Array.from(p.dataSync()),
    want = y.dataSync();
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i]! - want[i]!) ** 2;
  for (const t of [x, y, p]) t.dispose();
  return { loss: s / pred.length, pred };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe.skipIf(!python)('optimizer state in .keras files, both ways', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmml-optimizers-'));
  let made: Made;
  const continued = new Map<string, { loss: number; pred: Float32Array; iterations: number }>();

  beforeAll(() => {
    runPython(script, { args: ['make', dir] });
    made = JSON.parse(readFileSync(join(dir, 'optimizers.json'), 'utf8')) as Made;
  }, 300_000);

  it.each(NAMES)("Keras -> wasmml, %s: the step after loading lands where Keras's did; a fresh optimizer does not", async (name) => {
    const keras = made.cases[name]!;
    const m = await loadKerasModel(join(dir, `${name}.keras`));
    const opt = m.compiled!.optimizer;
    expect(opt.getClassName()).toBe(OURS[name]);
    expect(opt.iterations).toBe(3);
    // A copy of the loaded model with a fresh optimizer of the same settings: the state is all that differs.
    const fresh = await loadKerasModel(join(dir, `${name}.keras`));
    fresh.compiled!.optimizer.dispose();
    fresh.compile({ optimizer: optimizerFromConfig(opt.getConfig()), loss: 'meanSquaredError' });

    await step(m, made.batches[3]!);
    await step(fresh, made.batches[3]!);
    const got = mse(m, made.batches[3]!),
      other = mse(fresh, made.batches[3]!);
    expect(Math.abs(got.loss - keras.loss) / keras.loss, `${name}: loss ${got.loss} vs Keras ${keras.loss}`).toBeLessThan(1e-5);
    expect(maxDiff(got.pred, keras.pred)).toBeLessThan(1e-5);
    // Plain SGD has no state: a fresh one takes the same step.
    if (name === 'sgd') expect(maxDiff(other.pred, keras.pred)).toBeLessThan(1e-5);
    else expect(maxDiff(other.pred, keras.pred), `${name}: a fresh optimizer`).toBeGreaterThan(1e-3);
    fresh.dispose();

    // On here: two more steps, save (with our state), then the step Keras will take from our file.
    await step(m, made.batches[0]!);
    await step(m, made.batches[1]!);
    await saveKerasModel(m, join(dir, `${name}.ours.keras`));
    const iterations = m.compiled!.optimizer.iterations;
    await step(m, made.batches[4]!);
    continued.set(name, { ...mse(m, made.batches[4]!), iterations });
    m.dispose();
  });

  it('wasmml -> Keras: Keras loads our compile config and state, and its next step lands where ours did', () => {
    const back = JSON.parse(
      runPython(script, { args: ['check', dir] })
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<string, { optimizer: string; config: Record<string, number | boolean>; iterations: number; loss: number; pred: number[] }>;
    const kerasClass: Record<string, string> = { SGD: 'SGD', Momentum: 'SGD', RMSProp: 'RMSprop', Adagrad: 'Adagrad', AdamW: 'AdamW' };
    for (const name of NAMES) {
      const k = back[name]!,
        o = continued.get(name)!;
      expect(k.optimizer, name).toBe(kerasClass[OURS[name]!]);
      expect(k.iterations, name).toBe(o.iterations);
      expect(Math.abs(k.loss - o.loss) / o.loss, `${name}: Keras ${k.loss} vs ours ${o.loss}`).toBeLessThan(1e-5);
      expect(maxDiff(k.pred, o.pred), name).toBeLessThan(1e-5);
    }
    expect(back.sgd_nesterov!.config.nesterov).toBe(true);
    expect(back.rmsprop!.config).toMatchObject({ rho: expect.closeTo(0.8, 6), momentum: 0.5 });
    expect(back.adamw!.config.weight_decay).toBeCloseTo(0.1, 6);
  }, 300_000);
});
