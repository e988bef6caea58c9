/**
 * wasmml — one import for the whole library, shaped like `@tensorflow/tfjs`:
 * tensors, ops and autograd at the top level (`wm.tensor`, `wm.tidy`,
 * `wm.grads`), Keras-style models and layers (`wm.sequential`,
 * `wm.layers.dense`), optimizers under `wm.train` (`wm.train.adam`) and
 * datasets under `wm.data` (`wm.data.loadMnist`). Every name comes from one of
 * the `@wasmml/*` packages; install those instead to ship less.
 * @packageDocumentation
 */
export * from '@wasmml/tensor';
export * from '@wasmml/layers';
export {
  train,
  Optimizer,
  SGDOptimizer,
  MomentumOptimizer,
  RMSPropOptimizer,
  AdagradOptimizer,
  AdamOptimizer,
  AdamaxOptimizer,
  AdamWOptimizer,
  getOptimizer,
  optimizerFromConfig,
  type OptimizerOptions,
  type OptimizerConfig,
  type NamedTensor,
  type LearningRateSchedule,
} from '@wasmml/optimizers';

/**
 * Everything in `@wasmml/optimizers`: the optimizer factories and classes,
 * learning-rate schedules (`exponentialDecay`, `cosineDecay`, `linearWarmup`...)
 * and their configuration helpers.
 */
export * as optimizers from '@wasmml/optimizers';

/**
 * `@wasmml/datasets`, as `tf.data`: the `Dataset` pipeline, the loaders
 * (`loadMnist`, `loadCifar10`, `loadMovieLens`, `loadSpamAssassin`), downloads,
 * augmentation and preprocessing.
 */
export * as data from '@wasmml/datasets';

/**
 * `@wasmml/nlp`: text vectorization, byte-pair tokenisation, attention and
 * transformer layers, text classifiers and the classification pipeline.
 */
export * as nlp from '@wasmml/nlp';

/**
 * `@wasmml/recommenders`: matrix factorisation, BPR, NeuMF, two-tower
 * retrieval, splits, ranking metrics and serving.
 */
export * as recommenders from '@wasmml/recommenders';

/**
 * `@wasmml/convert`: Keras 3 `.keras` and full-model `.h5` files both ways,
 * safetensors weights, and ONNX export of inference graphs.
 */
export * as convert from '@wasmml/convert';
/**
 * `@wasmml/tuner`: KerasTuner-shaped hyper-parameter search (`RandomSearch`,
 * `Hyperband`, `BayesianOptimization`, `HyperParameters`, `Objective`,
 * `MedianPruner`).
 */
export * as tuner from '@wasmml/tuner';
/**
 * `@wasmml/compression`: magnitude pruning and sparse files, int8
 * post-training quantisation on int8 kernels, quantisation-aware training,
 * float16 weights and knowledge distillation.
 */
export * as compression from '@wasmml/compression';
