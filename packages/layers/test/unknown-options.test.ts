// Unknown option keys are errors that name the factory or method, the key and
// the nearest valid key, for every layer factory, compile, fit, fitDataset,
// evaluate, predict, the callbacks, optimizers, schedules, save and load. The
// key lists come from the config types (OptionKeys<T>), so every key a type
// declares is accepted: each factory is also called with all of its keys.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { nearestName } from '@wasmml/tensor';
import { adam, adamw, cosineDecay, sgd } from '@wasmml/optimizers';
import { callbacks, layers, loadLayersModel, losses, sequential, type LayersModel } from '@wasmml/layers';
import { input } from '@wasmml/layers';

const bad = (f: () => unknown, who: string, key: string, near?: string) =>
  expect(f).toThrow(
    new RegExp(`^${who.replace('.', '\\.')}: unknown option '${key}'${near ? `; did you mean '${near}'\\?` : ''} \\(valid options: `),
  );

describe('unknown options', () => {
  it('layer factories name the nearest valid key', () => {
    bad(() => layers.conv2d({ filters: 4, kernel_size: 3 } as never), 'layers.conv2d', 'kernel_size', 'kernelSize');
    bad(() => layers.dense({ units: 4, activaton: 'relu' } as never), 'layers.dense', 'activaton', 'activation');
    bad(() => layers.dense({ units: 4, input_shape: [3] } as never), 'layers.dense', 'input_shape', 'inputShape');
    bad(() => layers.lstm({ units: 4, return_sequences: true } as never), 'layers.lstm', 'return_sequences', 'returnSequences');
    bad(() => layers.embedding({ inputDim: 4, outputDim: 2, mask_zero: true } as never), 'layers.embedding', 'mask_zero', 'maskZero');
    bad(() => layers.dropout({ rate: 0.5, sed: 1 } as never), 'layers.dropout', 'sed', 'seed');
    bad(() => layers.maxPooling2d({ pool_size: 2 } as never), 'layers.maxPooling2d', 'pool_size', 'poolSize');
    bad(() => layers.batchNormalization({ momentun: 0.9 } as never), 'layers.batchNormalization', 'momentun', 'momentum');
    bad(() => layers.flatten({ whatever: 1 } as never), 'layers.flatten', 'whatever');
    bad(() => input({ shape: [2], batch_shape: [null, 2] } as never), 'input', 'batch_shape', 'batchShape');
    expect(() => losses.categoricalCrossentropy({ from_logits: true } as never)).toThrow(
      /^losses\.categoricalCrossentropy: unknown option 'from_logits'; did you mean 'fromLogits'\?/,
    );
  });

  it('every key a config type declares is accepted', () => {
    const made = [
      layers.dense({
        units: 2,
        activation: 'relu',
        useBias: true,
        kernelInitializer: 'ones',
        biasInitializer: 'zeros',
        kernelRegularizer: 'l2',
        biasRegularizer: 'l2',
        inputDim: 3,
        name: 'd_all',
        trainable: true,
        batchSize: 4,
        dtype: 'float32',
      }),
      layers.conv2d({
        filters: 2,
        kernelSize: 3,
        strides: 1,
        padding: 'same',
        dilationRate: 1,
        activation: 'relu',
        useBias: false,
        kernelInitializer: 'ones',
        biasInitializer: 'zeros',
        kernelRegularizer: 'l2',
        biasRegularizer: 'l2',
        dataFormat: 'channelsLast',
        inputShape: [4, 4, 1],
      }),
      layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        depthwiseInitializer: 'ones',
        depthwiseRegularizer: 'l2',
        strides: 1,
        padding: 'valid',
        dilationRate: 1,
        useBias: true,
        biasInitializer: 'zeros',
        biasRegularizer: 'l2',
        dataFormat: 'channelsLast',
        activation: 'linear',
      }),
      layers.lstm({
        units: 2,
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        useBias: true,
        kernelInitializer: 'ones',
        recurrentInitializer: 'ones',
        biasInitializer: 'zeros',
        kernelRegularizer: 'l2',
        recurrentRegularizer: 'l2',
        biasRegularizer: 'l2',
        returnSequences: true,
        returnState: false,
        goBackwards: false,
        unitForgetBias: true,
      }),
      layers.embedding({
        inputDim: 5,
        outputDim: 2,
        embeddingsInitializer: 'ones',
        embeddingsRegularizer: 'l2',
        maskZero: true,
        inputLength: 3,
      }),
      layers.batchNormalization({
        axis: -1,
        momentum: 0.9,
        epsilon: 1e-3,
        center: true,
        scale: true,
        betaInitializer: 'zeros',
        gammaInitializer: 'ones',
        movingMeanInitializer: 'zeros',
        movingVarianceInitializer: 'ones',
      }),
      layers.layerNormalization({ axis: -1, epsilon: 1e-3, center: true, scale: true, betaInitializer: 'zeros', gammaInitializer: 'ones' }),
      layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', dataFormat: 'channelsLast' }),
      layers.averagePooling1d({ poolSize: 2, strides: 2, padding: 'same' }),
      layers.dropout({ rate: 0.1, seed: 1, noiseShape: [1, 2] }),
      layers.reshape({ targetShape: [2, 2] }),
      layers.activation({ activation: 'relu' }),
      layers.concatenate({ axis: -1 }),
    ];
    expect(made).toHaveLength(13);
  });

  it('compile, fit, evaluate, predict, fitDataset, callbacks, optimizers, schedules, save and load', async () => {
    const m: LayersModel = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    const x = wm.ones([4, 2]),
      y = wm.ones([4, 1]);
    bad(() => m.compile({ optimizer: 'sgd', loss: 'mse', metric: ['mae'] } as never), `${m.name}.compile`, 'metric', 'metrics');
    m.compile({ optimizer: sgd(0.1), loss: 'mse' });
    await expect(m.fit(x, y, { epoch: 2 } as never)).rejects.toThrow(
      new RegExp(`^${m.name}.fit: unknown option 'epoch'; did you mean 'epochs'\\?`),
    );
    await expect(m.fit(x, y, { batch_size: 2 } as never)).rejects.toThrow(/unknown option 'batch_size'; did you mean 'batchSize'\?/);
    await expect(m.fit(x, y, { validation_split: 0.5 } as never)).rejects.toThrow(/did you mean 'validationSplit'\?/);
    await expect(
      m.fitDataset({ iterator: async () => ({ next: async () => ({ done: true, value: undefined }) }) } as never, { epoch: 1 } as never),
    ).rejects.toThrow(/fitDataset: unknown option 'epoch'; did you mean 'epochs'\?/);
    bad(() => m.evaluate(x, y, { batch_size: 2 } as never), `${m.name}.evaluate`, 'batch_size', 'batchSize');
    bad(() => m.predict(x, { batchsize: 2 } as never), `${m.name}.predict`, 'batchsize', 'batchSize');
    expect((m.predict(x, { batchSize: 2, verbose: 0 }) as wm.Tensor).shape).toEqual([4, 1]);
    bad(
      () => callbacks.earlyStopping({ monitor: 'loss', restore_best_weights: true } as never),
      'earlyStopping',
      'restore_best_weights',
      'restoreBestWeights',
    );
    bad(() => callbacks.reduceLROnPlateau({ min_lr: 0.1 } as never), 'reduceLROnPlateau', 'min_lr', 'minLR');
    bad(
      () => callbacks.modelCheckpoint('file:///tmp/x', { save_best_only: true } as never),
      'modelCheckpoint',
      'save_best_only',
      'saveBestOnly',
    );
    await expect(m.fit(x, y, { verbose: 0, callbacks: [{ onEpochend: () => {} }] } as never)).rejects.toThrow(
      /^callback: unknown option 'onEpochend'; did you mean 'onEpochEnd'\?/,
    );
    bad(() => adam(0.1, 0.9, 0.999, 1e-7, { clip_norm: 1 } as never), 'Adam optimizer', 'clip_norm', 'clipNorm');
    bad(() => adamw(0.1, 0.01, 0.9, 0.999, 1e-7, { clipnorm: 1 } as never), 'AdamW optimizer', 'clipnorm', 'clipNorm');
    bad(() => cosineDecay({ initialLearningRate: 0.1, decay_steps: 10 } as never), 'cosineDecay', 'decay_steps', 'decaySteps');
    await expect(m.save('file:///tmp/never', { include_optimizer: true } as never)).rejects.toThrow(
      /^model\.save: unknown option 'include_optimizer'; did you mean 'includeOptimizer'\?/,
    );
    await expect(loadLayersModel('file:///tmp/never', { strickt: false } as never)).rejects.toThrow(
      /^loadLayersModel: unknown option 'strickt'; did you mean 'strict'\?/,
    );
    wm.dispose([x, y]);
    m.dispose();
  });

  it('suggests only close names', () => {
    expect(nearestName('kernel_size', ['filters', 'kernelSize'])).toBe('kernelSize');
    expect(nearestName('KERNELSIZE', ['kernelSize'])).toBe('kernelSize');
    expect(nearestName('epoch', ['epochs', 'batchSize'])).toBe('epochs');
    expect(nearestName('colour', ['units', 'activation'])).toBeUndefined();
  });
});
