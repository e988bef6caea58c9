// Loading any saved recommender: by directory (Node, Deno) or from artifacts
// (anywhere), dispatched on the saved kind.
import type { Recommender } from '../models/base.js';
import { BprModel } from '../models/bpr.js';
import { MatrixFactorization } from '../models/mf.js';
import { NeuMF } from '../models/neumf.js';
import { PopularityModel } from '../models/popularity.js';
import { TwoTower } from '../models/two-tower.js';
import { unpackArtifacts, type ModelArtifacts } from './artifacts.js';
import { readArtifacts } from './files.js';

type Loader = (config: Record<string, unknown>, arrays: Record<string, Float32Array | Int32Array>) => Recommender;

const loaders: Record<string, Loader> = {
  matrixFactorization: MatrixFactorization.fromSaved,
  bpr: BprModel.fromSaved,
  neuMF: NeuMF.fromSaved,
  twoTower: TwoTower.fromSaved,
  popularity: PopularityModel.fromSaved,
};

/**
 * Loads a model saved by `save(dir)` (give the directory) or `toArtifacts()`
 * (give the artifacts), with its id maps, seen items and popularity.
 */
export async function loadRecommender(source: string | ModelArtifacts): Promise<Recommender> {
  const artifacts = typeof source === 'string' ? await readArtifacts(source) : source;
  const { kind, config, arrays } = unpackArtifacts(artifacts);
  const load = loaders[kind];
  if (!load) throw new Error(`loadRecommender: unknown model kind '${kind}' (known: ${Object.keys(loaders).join(', ')})`);
  return load(config, arrays);
}
