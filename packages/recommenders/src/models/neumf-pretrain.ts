// NeuMF's pre-training (He et al. 2017, section 3.4.1) with the GMF stage run
// as BPR-MF by the fused kernel: a BPR model of gmfDim - 1 factors (with the
// NeuMF's user context) is trained, then copied into the GMF branch with its
// item bias folded into one more dimension (user side 1, item side b_i, context
// 0), and the output unit's GMF weights set to 1 — so NeuMF starts out scoring
// exactly as the BPR model plus its (down-weighted) random MLP branch.
import type { LayersModel } from '@wasmml/layers';
import { dispose, tensor } from '@wasmml/tensor';
import type { Interactions } from '../data/interactions.js';
import type { ItemFeatureTable } from '../data/item-features.js';
import { BprModel } from './bpr.js';

/** What the GMF pre-training needs to know of the NeuMF. */
export interface GmfPretrainSpec {
  numUsers: number;
  numItems: number;
  gmfDim: number;
  seed: number;
  epochs: number;
  userContext: 'none' | 'recent';
  contextLength: number;
  /** Item features of the NeuMF (the BPR model gets the same). */
  features?: ItemFeatureTable;
}

/** Scale of the random MLP branch's output weights after pre-training: the GMF score leads, the MLP starts small. */
const MLP_OUTPUT_SCALE = 0.1;

/** The CSR table back as per-item lists (the BPR model's input). */
function lists(t: ItemFeatureTable): Int32Array[] {
  return Array.from({ length: t.offsets.length - 1 }, (_, i) => t.ids.subarray(t.offsets[i]!, t.offsets[i + 1]!));
}

/** Pre-trains the GMF branch of `net` as BPR-MF on `d` and writes it into the network. */
export async function pretrainGmf(net: LayersModel, d: Interactions, spec: GmfPretrainSpec): Promise<void> {
  const k = spec.gmfDim - 1,
    G = spec.gmfDim;
  // BPR settings chosen on a validation split of MovieLens (the user's second-latest item held out).
  const b = new BprModel({
    numUsers: spec.numUsers,
    numItems: spec.numItems,
    factors: k,
    biasL2: 0,
    seed: spec.seed,
    userContext: spec.userContext,
    contextLength: spec.contextLength,
    ...(spec.features ? { itemFeatures: lists(spec.features), numItemFeatures: spec.features.numFeatures } : {}),
  });
  try {
    await b.fit(d, { epochs: spec.epochs, negativeCandidates: 3 });
    const P = b.vars.userFactors.dataSync() as Float32Array,
      Q = b.vars.itemFactors.dataSync() as Float32Array;
    const B = b.vars.itemBias!.dataSync() as Float32Array,
      S = b.contextTable?.dataSync() as Float32Array | undefined;
    const gu = new Float32Array(spec.numUsers * G),
      gi = new Float32Array(spec.numItems * G);
    for (let u = 0; u < spec.numUsers; u++) {
      gu.set(P.subarray(u * k, (u + 1) * k), u * G);
      gu[u * G + k] = 1;
    }
    for (let i = 0; i < spec.numItems; i++) {
      gi.set(Q.subarray(i * k, (i + 1) * k), i * G);
      gi[i * G + k] = B[i]!;
    }
    const set = (name: string, data: Float32Array, shape: number[]) => {
      const t = tensor(data, shape, 'float32');
      try {
        net.getLayer(name).setWeights([t]);
      } finally {
        t.dispose();
      }
    };
    set('gmf_user', gu, [spec.numUsers, G]);
    set('gmf_item', gi, [spec.numItems, G]);
    if (S) {
      // Row 0 is the padding id; item i is row i + 1.
      const gc = new Float32Array((spec.numItems + 1) * G);
      for (let i = 0; i < spec.numItems; i++) gc.set(S.subarray(i * k, (i + 1) * k), (i + 1) * G);
      set('gmf_context', gc, [spec.numItems + 1, G]);
    }
    const ft = b.featureTables;
    if (ft && spec.features) {
      // Row 0 is the padding id; feature f is row f + 1, its bias in the last dimension (the mean of
      // [F_f, fb_f] over an item's features is [mean F, mean fb], so GMF adds mean fb to b_i).
      const nf = spec.features.numFeatures,
        F = ft.factors.dataSync() as Float32Array;
      const fb = ft.bias?.dataSync() as Float32Array | undefined;
      const gf = new Float32Array((nf + 1) * G);
      for (let f = 0; f < nf; f++) {
        gf.set(F.subarray(f * k, (f + 1) * k), (f + 1) * G);
        gf[(f + 1) * G + k] = fb ? fb[f]! : 0;
      }
      set('gmf_feature', gf, [nf + 1, G]);
    }
    const pred = net.getLayer('prediction');
    const old = pred.getWeights();
    const [kernel, bias] = old;
    const w = (kernel!.dataSync() as Float32Array).slice();
    for (let f = 0; f < w.length; f++) w[f] = f < G ? 1 : w[f]! * MLP_OUTPUT_SCALE;
    const kt = tensor(w, [...kernel!.shape], 'float32'),
      bt = tensor(new Float32Array(bias!.size), [...bias!.shape], 'float32');
    try {
      pred.setWeights([kt, bt]);
    } finally {
      dispose([kt, bt, ...old]);
    }
  } finally {
    b.dispose();
  }
}
