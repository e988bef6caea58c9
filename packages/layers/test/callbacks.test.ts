// Callbacks on small real training runs (MNIST digits): early stopping stops
// and restores the best weights, reduceLROnPlateau and learningRateScheduler
// change the optimizer's rate, checkpoints reload to the best model, and the
// progress bar draws on a terminal and stays quiet elsewhere. Scripted logs
// check the Keras rules (patience, minDelta, baseline, cooldown) exactly.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { adam, sgd } from '@wasmml/optimizers';
import { loadMnist } from '@wasmml/datasets';
import {
  Callback,
  callbacks,
  EarlyStopping,
  formatCheckpointPath,
  layers,
  loadLayersModel,
  ReduceLROnPlateau,
  sequential,
  type LayersModel,
  type Logs,
  type OutStream,
} from '@wasmml/layers';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** MNIST digits as flat [0, 1] pixels and one-hot labels: `n` for training, the next `v` for validation. */
let data: { x: wm.Tensor; y: wm.Tensor; vx: wm.Tensor; vy: wm.Tensor };
beforeAll(async () => {
  const set = await loadMnist({ source: 'embedded' });
  // The embedded set is ordered by digit: a prime stride picks a mix of all ten.
  const pick = (i: number) => (i * 7919) % set.count;
  const take = (from: number, n: number) => {
    const px = new Float32Array(n * 784),
      oh = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) {
      const k = pick(from + i);
      for (let p = 0; p < 784; p++) px[i * 784 + p] = set.images[k * 784 + p]! / 255;
      oh[i * 10 + set.labels[k]!] = 1;
    }
    return [wm.tensor(px, [n, 784]), wm.tensor(oh, [n, 10])] as const;
  };
  const [x, y] = take(0, 200);
  const [vx, vy] = take(200, 300);
  data = { x, y, vx, vy };
});

/** A small MLP that overfits 200 digits within a few epochs (so val_loss turns up). */
function mlp(lr = 0.01): LayersModel {
  const m = sequential({
    layers: [layers.dense({ units: 64, activation: 'relu', inputShape: [784] }), layers.dense({ units: 10, activation: 'softmax' })],
  });
  m.compile({ optimizer: adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const valLoss = (m: LayersModel) =>
  wm.tidy(() => {
    const r = m.evaluate(data.vx, data.vy);
    return (Array.isArray(r) ? r[0]! : r).dataSync()[0]!;
  });
const argMin = (v: number[]) => v.indexOf(Math.min(...v));

/** Records the learning rate each epoch trains with (read after the other callbacks' onEpochBegin). */
class LrRecorder extends Callback {
  readonly rates: number[] = [];
  override async onBatchBegin(batch: number) {
    if (batch === 0) this.rates.push(this.model!.compiled!.optimizer.learningRate);
  }
}

/** Drives a callback with scripted epoch logs, as fit() would, on a stand-in model. */
async function script(cb: Callback, values: number[], key = 'val_loss', lr = 1): Promise<{ stopped: number | undefined; rates: number[] }> {
  let rate = lr;
  const fake = {
    stopTraining: false,
    compiled: {
      optimizer: {
        get learningRate() {
          return rate;
        },
        setLearningRate(v: number) {
          rate = v;
        },
        getConfig: () => ({ learningRate: rate }),
      },
    },
    getWeights: () => [],
    setWeights: () => {},
  };
  cb.setModel(fake as unknown as LayersModel);
  await cb.onTrainBegin();
  const rates: number[] = [];
  for (let e = 0; e < values.length; e++) {
    await cb.onEpochEnd(e, { [key]: values[e]! } as Logs);
    rates.push(rate);
    if (fake.stopTraining) return { stopped: e, rates };
  }
  return { stopped: undefined, rates };
}

describe('earlyStopping', () => {
  it('stops when val_loss stops improving and restores the weights of the best epoch', async () => {
    const m = mlp();
    const es = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const h = await m.fit(data.x, data.y, { epochs: 40, batchSize: 20, validationData: [data.vx, data.vy], callbacks: [es], verbose: 0 });
    const losses = h.history.val_loss!;
    expect(losses.length).toBeLessThan(40);
    expect(es.bestEpoch).toBe(argMin(losses));
    expect(es.stoppedEpoch).toBe(es.bestEpoch + 2);
    expect(losses.length).toBe(es.stoppedEpoch + 1);
    expect(Math.min(...losses)).toBeLessThan(losses.at(-1)!);
    // The model now has the best epoch's weights: its validation loss is the best one.
    expect(valLoss(m)).toBeCloseTo(losses[es.bestEpoch]!, 5);
    m.dispose();
  });

  it('follows the Keras rules for minDelta, mode and baseline', async () => {
    const acc = [0.5, 0.6, 0.6, 0.65, 0.64, 0.63, 0.7];
    expect((await script(new EarlyStopping({ monitor: 'val_acc', minDelta: 0.01, patience: 2 }), acc, 'val_acc')).stopped).toBe(5);
    expect((await script(new EarlyStopping({ monitor: 'val_acc', minDelta: 0.06, patience: 2 }), acc, 'val_acc')).stopped).toBe(3);
    expect((await script(new EarlyStopping({ monitor: 'val_acc', patience: 2, baseline: 0.7 }), acc, 'val_acc')).stopped).toBe(2);
    expect((await script(new EarlyStopping({ monitor: 'val_acc', patience: 2, mode: 'min' }), acc, 'val_acc')).stopped).toBe(2);
    expect((await script(new EarlyStopping({ patience: 3 }), [3, 2, 1, 0.5, 0.4])).stopped).toBeUndefined();
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow(/mode must be 'auto', 'min' or 'max'/);
  });
});

describe('reduceLROnPlateau and learningRateScheduler', () => {
  it('reduceLROnPlateau lowers the rate by factor after a plateau, never below minLR', async () => {
    const m = mlp();
    const rec = new LrRecorder();
    const cb = callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 1, minLR: 0.002, minDelta: 0 });
    const h = await m.fit(data.x, data.y, {
      epochs: 14,
      batchSize: 20,
      validationData: [data.vx, data.vy],
      callbacks: [cb, rec],
      verbose: 0,
    });
    const losses = h.history.val_loss!;
    // Replay the published rule on the logged losses: a reduction after every epoch that fails to beat the best.
    let best = Infinity,
      lr = 0.01;
    const expected = [lr];
    for (const v of losses.slice(0, -1)) {
      if (v < best) best = v;
      else if (lr > 0.002) lr = Math.max(lr * 0.5, 0.002);
      expected.push(lr);
    }
    expect(rec.rates).toEqual(expected);
    expect(rec.rates.at(-1)).toBeLessThan(0.01);
    expect(Math.min(...rec.rates)).toBeGreaterThanOrEqual(0.002);
    m.dispose();
  });

  it('reduceLROnPlateau: patience and cooldown as Keras counts them; schedules and bad factors are refused', async () => {
    const losses = [1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5];
    const { rates } = await script(new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2 }), losses);
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125]);
    expect(() => callbacks.reduceLROnPlateau({ factor: 1.5 })).toThrow(/factor must be in \(0, 1\)/);
  });

  it("learningRateScheduler sets each epoch's rate; a zero rate freezes the weights", async () => {
    const m = mlp();
    const rec = new LrRecorder();
    const seen: Array<[number, number]> = [];
    const sched = callbacks.learningRateScheduler((epoch, lr) => {
      seen.push([epoch, lr]);
      return epoch < 2 ? 0.02 : lr / 4;
    });
    await m.fit(data.x, data.y, { epochs: 4, batchSize: 50, callbacks: [sched, rec], verbose: 0 });
    expect(rec.rates).toEqual([0.02, 0.02, 0.005, 0.00125]);
    expect(seen.map(([e]) => e)).toEqual([0, 1, 2, 3]);
    expect(seen[0]![1]).toBeCloseTo(0.01, 10);

    const s = sequential({ layers: [layers.dense({ units: 10, activation: 'softmax', inputShape: [784] })] });
    s.compile({ optimizer: sgd(0.5), loss: 'categoricalCrossentropy' });
    const frozen = callbacks.learningRateScheduler((epoch) => (epoch === 0 ? 0.5 : 0));
    const snap: Float32Array[] = [];
    const grab = {
      onEpochEnd: () => {
        snap.push(s.getWeights()[0]!.dataSync() as Float32Array);
      },
    };
    await s.fit(data.x, data.y, { epochs: 3, batchSize: 50, callbacks: [frozen, grab], verbose: 0 });
    expect(snap[1]).toEqual(snap[0]);
    expect(snap[2]).toEqual(snap[0]);
    const bad = callbacks.learningRateScheduler(() => Number.NaN);
    await expect(s.fit(data.x, data.y, { epochs: 1, callbacks: [bad], verbose: 0 })).rejects.toThrow(/returned NaN for epoch 0/);
    m.dispose();
    s.dispose();
  });
});

describe('modelCheckpoint', () => {
  it('saveBestOnly saves exactly the improving epochs, and the last checkpoint is the best model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmml-ckpt-'));
    dirs.push(dir);
    const m = mlp();
    const ck = callbacks.modelCheckpoint(`file://${dir}/epoch-{epoch:02d}-{val_loss:.4f}`, { monitor: 'val_loss', saveBestOnly: true });
    const h = await m.fit(data.x, data.y, { epochs: 8, batchSize: 20, validationData: [data.vx, data.vy], callbacks: [ck], verbose: 0 });
    const losses = h.history.val_loss!;
    const improving = losses.map((v, i) => (v < Math.min(...losses.slice(0, i)) ? i : -1)).filter((i) => i >= 0);
    expect(ck.saved.map((s) => s.epoch)).toEqual(improving);
    expect(readdirSync(dir).sort()).toEqual(improving.map((e) => `epoch-${String(e + 1).padStart(2, '0')}-${losses[e]!.toFixed(4)}`));
    const best = await loadLayersModel(ck.saved.at(-1)!.path);
    best.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy' });
    expect(valLoss(best)).toBeCloseTo(Math.min(...losses), 5);
    best.dispose();

    // Without saveBestOnly, one path is rewritten every epoch and holds the final model (with its optimizer).
    const every = callbacks.modelCheckpoint(join(dir, 'latest'), { includeOptimizer: true });
    await m.fit(data.x, data.y, { epochs: 2, batchSize: 20, callbacks: [every], verbose: 0 });
    expect(every.saved.map((s) => s.path)).toEqual([`file://${join(dir, 'latest')}`, `file://${join(dir, 'latest')}`]);
    const last = await loadLayersModel(`file://${join(dir, 'latest')}`);
    expect(last.compiled?.optimizer.iterations).toBe(m.compiled!.optimizer.iterations);
    expect(valLoss(last)).toBeCloseTo(valLoss(m), 6);
    expect(readdirSync(join(dir, 'latest')).some((f) => /^weights\.[0-9a-f]{16}\.bin$/.test(f))).toBe(true);
    last.dispose();
    m.dispose();
  });

  it('fills Keras-style placeholders', () => {
    expect(formatCheckpointPath('ck/{epoch:03d}-{loss:.2f}-{acc:.1e}-{epoch}', 4, { loss: 0.12345, acc: 0.5 })).toBe(
      'ck/005-0.12-5.0e-1-5',
    );
    expect(() => formatCheckpointPath('ck/{val_loss}', 0, { loss: 1 })).toThrow(/uses \{val_loss\}, which is not in the logs/);
  });
});

describe('progress bar', () => {
  function stream(isTTY: boolean): OutStream & { text: string } {
    const s = {
      isTTY,
      columns: 160,
      text: '',
      write(t: string) {
        s.text += t;
        return true;
      },
    };
    return s;
  }
  const plain = (t: string) => t.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '');

  it('draws epoch, steps, ETA, loss and metrics on a terminal; nothing on a non-terminal at verbose 1', async () => {
    const m = mlp();
    const tty = stream(true),
      file = stream(false);
    await m.fit(data.x, data.y, {
      epochs: 2,
      batchSize: 25,
      validationData: [data.vx, data.vy],
      verbose: 0,
      callbacks: [callbacks.progressBar({ stream: tty }), callbacks.progressBar({ stream: file })],
    });
    expect(file.text).toBe('');
    const out = plain(tty.text);
    expect(out).toMatch(/Epoch 1\/2 \[\.{30}\] 0\/8 ETA \?/);
    const finals = out
      .split('\n')
      .filter((l) => / 8\/8 /.test(l))
      .map((l) => l.slice(l.lastIndexOf('Epoch')));
    expect(finals).toHaveLength(2);
    expect(finals[1]).toMatch(
      /^Epoch 2\/2 \[={30}\] 8\/8 \d+\.\ds \d+ms\/step - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/,
    );
    expect(tty.text).toContain('\x1b[');
    m.dispose();
  });

  it('verbose 2 writes one line per epoch, terminal or not', async () => {
    const m = mlp();
    const file = stream(false);
    await m.fit(data.x, data.y, { epochs: 3, batchSize: 50, verbose: 0, callbacks: [callbacks.progressBar({ verbose: 2, stream: file })] });
    const lines = file.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^Epoch ${i + 1}/3 - \\d+\\.\\ds - loss: \\d\\.\\d{4} - acc: \\d\\.\\d{4}$`)));
    m.dispose();
  });
});

describe('user callbacks', () => {
  it('hook objects and Callback subclasses get every hook in order; stopTraining ends fit', async () => {
    const m = mlp();
    const calls: string[] = [];
    const hooks = {
      onTrainBegin: () => {
        calls.push('trainBegin');
      },
      onEpochBegin: (e: number) => {
        calls.push(`epochBegin ${e}`);
      },
      onBatchBegin: (b: number) => {
        calls.push(`batchBegin ${b}`);
      },
      onBatchEnd: (b: number, logs?: Logs) => {
        calls.push(`batchEnd ${b} ${typeof logs?.loss}`);
      },
      onEpochEnd: (e: number, logs?: Logs) => {
        calls.push(`epochEnd ${e} ${Object.keys(logs ?? {}).join(',')}`);
      },
      onTrainEnd: () => {
        calls.push('trainEnd');
      },
    };
    await m.fit(data.x, data.y, { epochs: 2, batchSize: 100, callbacks: hooks, verbose: 0 });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchBegin 0',
      'batchEnd 0 number',
      'batchBegin 1',
      'batchEnd 1 number',
      'epochEnd 0 loss,acc',
      'epochBegin 1',
      'batchBegin 0',
      'batchEnd 0 number',
      'batchBegin 1',
      'batchEnd 1 number',
      'epochEnd 1 loss,acc',
      'trainEnd',
    ]);

    class StopAfter extends Callback {
      batches = 0;
      override async onBatchEnd(batch: number) {
        this.batches++;
        if (batch === 2) this.model!.stopTraining = true;
      }
    }
    const stop = new StopAfter();
    const h = await m.fit(data.x, data.y, { epochs: 5, batchSize: 20, callbacks: [stop], verbose: 0 });
    expect(stop.batches).toBe(3);
    expect(h.epoch).toEqual([0]);
    m.dispose();
  });
});
