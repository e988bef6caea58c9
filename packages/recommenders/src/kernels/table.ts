// The parameter table of the fused MF / BPR kernels: one int32 word per entry,
// addresses in bytes (0 = absent), the hyper-parameters as float32 bits. This
// one file is read by both sides: the kernels in ../../assembly import it (it
// is valid AssemblyScript as well as TypeScript), the wrappers fill a table by
// these names, so a word cannot drift between the two.

/** Word index of each entry of the table. */
export enum Word {
  /** User factors, float32 [numUsers, factors]. */
  UserFactors,
  /** Item factors, float32 [numItems, factors]. */
  ItemFactors,
  /** User biases, float32 [numUsers] (0: none). */
  UserBias,
  /** Item biases, float32 [numItems] (0: none). */
  ItemBias,
  /** Latent dimension. */
  Factors,
  NumUsers,
  NumItems,
  /** int32 user per sample. */
  Users,
  /** int32 item (MF: rated, BPR: positive) per sample. */
  Items,
  /** MF: float32 rating per sample. */
  Ratings,
  /** BPR: int32 [positions, NegCount] negative candidates, by position. */
  Negatives,
  NegCount,
  /** int32 sample index per position. */
  Order,
  /** int32 [strata * blocks + 1]: cell c runs positions [offsets[c], offsets[c+1]). */
  Offsets,
  /** float64 per cell: the loss summed over its samples. */
  Loss,
  /** float32: the global mean (MF). */
  Mu,
  /** float32 hyper-parameters of the rule. */
  LearningRate,
  L2,
  BiasLearningRate,
  BiasL2,
  Beta1,
  Beta2,
  Epsilon,
  /** Adam moments, shaped like the arrays they belong to. */
  MUserFactors,
  VUserFactors,
  MItemFactors,
  VItemFactors,
  MUserBias,
  VUserBias,
  MItemBias,
  VItemBias,
  /** float32 [rows, 2]: beta1^t, beta2^t of each row's own step count t. */
  UserPowers,
  ItemPowers,
  /** BPR context (FPMC-style): factors S, float32 [numItems, factors] (0: no context). */
  ContextFactors,
  /** int32 [samples, ContextLength] context items; entries outside [0, numItems) are padding. */
  ContextItems,
  ContextLength,
  /** float32 L2 factor of S. */
  ContextL2,
  /** BPR item features: factors F, float32 [NumFeatures, factors]. */
  FeatureFactors,
  /** float32 [NumFeatures] feature biases (0: none). */
  FeatureBias,
  /** int32 [numItems + 1]: item i's features are FeatureIds[offsets[i] .. offsets[i+1]). */
  FeatureOffsets,
  FeatureIds,
  NumFeatures,
  /** float32 L2 factor of F. */
  FeatureL2,
  /** Number of words. */
  Count,
}
