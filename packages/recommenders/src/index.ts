/**
 * @wasmml/recommenders — recommendation models on wasmml: biased matrix
 * factorisation (explicit ratings), BPR, NeuMF and a two-tower retrieval model
 * (implicit feedback); train/test splits; rating and ranking metrics under the
 * sampled-negatives and full-ranking protocols, with a popularity baseline
 * beside every result; top-K serving with cold-start answers; save and load.
 * @packageDocumentation
 */
export { IdMap, type Id, type IndexedColumn } from './ids.js';
export {
  toInteractions,
  UserItems,
  type InteractionData,
  type Interactions,
  type Column,
} from './data/interactions.js';
export {
  randomSplit,
  leaveOneOut,
  temporalSplit,
  coreFilter,
  type Split,
  type RandomSplitOptions,
  type LeaveOneOutOptions,
  type TemporalSplitOptions,
  type CoreFilterOptions,
  type CoreFiltered,
} from './data/splits.js';
export { rmse, mae } from './metrics/rating.js';
export {
  hitRateAtK,
  precisionAtK,
  recallAtK,
  ndcgAtK,
  averagePrecisionAtK,
  coverageAtK,
  type Relevant,
} from './metrics/ranking.js';
export { topK } from './serving/topk.js';
export { Recommender, type Recommendation, type RecommendOptions, type RecommenderConfig, type ItemVectors } from './models/base.js';
export type { FactorConfig } from './models/factors.js';
export type { MfVariables } from './kernels/types.js';
export { MatrixFactorization, matrixFactorization, type MatrixFactorizationConfig, type MfFitOptions } from './models/mf.js';
export type {
  ModelArtifacts,
  ArtifactMeta,
  ArrayEntry,
  ArtifactArrays,
  ShapedArray,
  SavedState,
} from './io/artifacts.js';
export type { TrainHistory, EpochLogs, FitCallbacks, BaseFitOptions } from './train/history.js';
export { PopularityModel, popularity } from './models/popularity.js';
export { BprModel, bpr, type BprConfig, type BprFitOptions } from './models/bpr.js';
export {
  movieLensItemFeatures,
  releaseYear,
  type MovieLensFeatureOptions,
  type ItemFeatureLists,
} from './data/item-features.js';
export {
  evaluateRanking,
  type RankingOptions,
  type RankingMetrics,
  type RankingReport,
} from './eval/ranking.js';
export {
  evaluateRatings,
  itemMeanBaseline,
  type RatingPredictor,
  type RatingMetrics,
  type RatingReport,
} from './eval/ratings.js';
export { NeuMF, neuMF, type NeuMFConfig, type NeuMFFitOptions } from './models/neumf.js';
export { TwoTower, twoTower, type TwoTowerConfig, type TwoTowerFitOptions, type FeatureMatrix } from './models/two-tower.js';
export { loadRecommender } from './io/load.js';
export { Stratifier, balancedGroups, type EpochLayout } from './train/strata.js';
export { inBatchSoftmaxLoss, l2Normalize } from './train/in-batch.js';
