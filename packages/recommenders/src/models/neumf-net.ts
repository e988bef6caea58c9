// The NeuMF network (He et al. 2017) as a functional layers model: a GMF
// branch (user ⊙ item embeddings) and an MLP branch (concatenated embeddings
// through ReLU layers), joined by one output unit. With a user context, a
// third input carries the user's recent items (index + 1; 0 pads), whose mean
// embedding (mask-aware) adds to the user embedding of each branch. With item
// features, one more input carries each item's feature ids (id + 1; 0 pads),
// whose mean embedding adds to the item embedding of each branch.
import { input, layers, model as functionalModel, initializers, type LayersModel, type SymbolicTensor } from '@wasmml/layers';

/** Sizes of a NeuMF network. */
export interface NeuMFNetSpec {
  numUsers: number;
  numItems: number;
  gmfDim: number;
  mlpLayers: number[];
  /** Items in the context input; 0 for none. */
  contextLength: number;
  /** Features in the item-features input (the longest item list); 0 for none. */
  featureLength?: number;
  /** Number of item features (with featureLength > 0). */
  numItemFeatures?: number;
  seed: number;
}

/** Builds the network: inputs [user, item] (+ context) int32, output the logit [n, 1]. */
export function buildNeuMF(spec: NeuMFNetSpec): LayersModel {
  let s = spec.seed * 7919;
  const seed = () => (s = (s + 1) % 2147483647);
  const emb = (n: number, dim: number, name: string, maskZero = false) =>
    layers.embedding({
      inputDim: n,
      outputDim: dim,
      name,
      maskZero,
      embeddingsInitializer: initializers.randomNormal({ stddev: 0.01, seed: seed() }),
    });
  const user = input({ shape: [1], dtype: 'int32', name: 'user' });
  const item = input({ shape: [1], dtype: 'int32', name: 'item' });
  const L = spec.contextLength;
  const context = L > 0 ? input({ shape: [L], dtype: 'int32', name: 'context' }) : undefined;
  const FL = spec.featureLength ?? 0;
  const feats = FL > 0 ? input({ shape: [FL], dtype: 'int32', name: 'item_features' }) : undefined;
  const flat = (x: SymbolicTensor) => layers.flatten().apply(x) as SymbolicTensor;
  // The item side of a branch: its item embedding, plus the mean feature embedding.
  const itemSide = (dim: number, branch: string) => {
    const i = flat(emb(spec.numItems, dim, `${branch}_item`).apply(item) as SymbolicTensor);
    if (!feats) return i;
    const f = emb(spec.numItemFeatures! + 1, dim, `${branch}_feature`, true).apply(feats) as SymbolicTensor;
    const mean = layers.globalAveragePooling1d({ name: `${branch}_feature_mean` }).apply(f) as SymbolicTensor;
    return layers.add({ name: `${branch}_item_features` }).apply([i, mean]) as SymbolicTensor;
  };
  // The user side of a branch: its user embedding, plus the mean context embedding.
  const userSide = (dim: number, branch: string) => {
    const u = flat(emb(spec.numUsers, dim, `${branch}_user`).apply(user) as SymbolicTensor);
    if (!context) return u;
    const c = emb(spec.numItems + 1, dim, `${branch}_context`, true).apply(context) as SymbolicTensor;
    const mean = layers.globalAveragePooling1d({ name: `${branch}_context_mean` }).apply(c) as SymbolicTensor;
    return layers.add({ name: `${branch}_user_context` }).apply([u, mean]) as SymbolicTensor;
  };
  const gmf = layers.multiply({ name: 'gmf' }).apply([userSide(spec.gmfDim, 'gmf'), itemSide(spec.gmfDim, 'gmf')]) as SymbolicTensor;
  const half = spec.mlpLayers[0]! / 2;
  let h = layers.concatenate({ name: 'mlp_input' }).apply([userSide(half, 'mlp'), itemSide(half, 'mlp')]) as SymbolicTensor;
  for (const [l, units] of spec.mlpLayers.slice(1).entries()) {
    h = layers
      .dense({ units, activation: 'relu', name: `mlp_${l + 1}`, kernelInitializer: initializers.glorotUniform({ seed: seed() }) })
      .apply(h) as SymbolicTensor;
  }
  const joined = layers.concatenate({ name: 'neumf' }).apply([gmf, h]) as SymbolicTensor;
  const logit = layers
    .dense({ units: 1, name: 'prediction', kernelInitializer: initializers.lecunUniform({ seed: seed() }) })
    .apply(joined) as SymbolicTensor;
  const inputs = [user, item, ...(context ? [context] : []), ...(feats ? [feats] : [])];
  return functionalModel({ inputs, outputs: logit, name: 'neumf' });
}
