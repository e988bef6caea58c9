// The serving side shared by every model: top-K recommendation (excluding what
// the user already has), similar items, batch scoring, cold-start answers from
// popularity, id maps, and the saved form. A model supplies pair scores, all-
// item scores for known users, and item vectors.
import { type IdMap, toIdMap, type Id } from '../ids.js';
import { itemCounts, UserItems, type Interactions } from '../data/interactions.js';
import { topK } from '../serving/topk.js';
import type { ArtifactArrays, ModelArtifacts, SavedState } from '../io/artifacts.js';
import { packArtifacts } from '../io/artifacts.js';
import { saveArtifacts } from '../io/files.js';

/** One recommended item. */
export interface Recommendation {
  /** Dense item index. */
  item: number;
  /** The item's original id (its index when the model has no item id map). */
  id: Id;
  /** The model's score (for a cold-start answer: the item's training popularity). */
  score: number;
}

/** Options of `recommend` / `recommendBatch`. */
export interface RecommendOptions {
  /** Leave out the items the user interacted with in training (default true). */
  excludeSeen?: boolean;
  /** Further items to leave out. */
  exclude?: ArrayLike<number>;
}

/** Sizes and id maps every model takes. */
export interface RecommenderConfig {
  /** Number of users (dense indices 0..numUsers-1). */
  numUsers: number;
  /** Number of items (dense indices 0..numItems-1). */
  numItems: number;
  /** Original id of each user index, saved with the model. */
  userIds?: IdMap | ArrayLike<Id>;
  /** Original id of each item index, saved with the model. */
  itemIds?: IdMap | ArrayLike<Id>;
}

/** Item vectors of a model, compared by cosine in similarItems. */
export interface ItemVectors {
  /** [numItems, dim] row-major. */
  data: Float32Array;
  /** Vector length. */
  dim: number;
}

/** Users scored per block in batch scoring: bounds the scores buffer to about 16 MB. */
const SCORE_BLOCK_FLOATS = 1 << 22;

export function checkSize(v: number, what: string, op: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${what} = ${v}, expected an integer >= 1`);
  return v;
}

/** A trained (or trainable) recommender over dense user and item indices. */
export abstract class Recommender {
  /** The model family, as saved ('matrixFactorization', 'bpr', 'neuMF', 'twoTower', 'popularity'). */
  abstract readonly kind: string;
  /** Number of users. */
  readonly numUsers: number;
  /** Number of items. */
  readonly numItems: number;
  /** Maps original user ids to indices (when given). */
  readonly userIds: IdMap | undefined;
  /** Maps original item ids to indices (when given). */
  readonly itemIds: IdMap | undefined;
  /** @internal Training interactions per user (set by fit). */
  protected seen: UserItems | undefined;
  /** @internal Training interaction count per item (set by fit). */
  protected popularity: Float32Array | undefined;
  /** @internal Fits so far: each fit draws from its own seeded stream, so a second fit does not repeat the first's order. */
  protected fits = 0;

  constructor(config: RecommenderConfig, op: string) {
    this.numUsers = checkSize(config.numUsers, 'numUsers', op);
    this.numItems = checkSize(config.numItems, 'numItems', op);
    this.userIds = toIdMap(config.userIds, this.numUsers, `${op} userIds`);
    this.itemIds = toIdMap(config.itemIds, this.numItems, `${op} itemIds`);
  }

  /** Scores of (user, item) pairs, higher is better; ids out of range get a cold-start score. */
  abstract scorePairs(users: Int32Array, items: Int32Array): Float32Array;

  /** @internal Scores of every item for each of `users` (all known): [users.length * numItems]. */
  protected abstract scoreAllItems(users: Int32Array): Float32Array;

  /** @internal Item vectors [numItems, dim] for similarItems, or undefined (popularity answers). */
  protected abstract itemVectors(): ItemVectors | undefined;

  /** @internal The model's own config and arrays, for saving. */
  protected abstract saveState(): SavedState;

  /** Frees the model's tensors. */
  abstract dispose(): void;

  /** @internal Records what training saw: per-user item sets and item popularity. */
  protected observe(train: Interactions): void {
    this.seen = new UserItems(train.users, train.items, this.numUsers);
    this.popularity = itemCounts(train.items, this.numItems);
  }

  /** Whether the model knows user u: a valid index with training interactions. */
  isKnownUser(u: number): boolean {
    return Number.isInteger(u) && u >= 0 && u < this.numUsers && (!this.seen || this.seen.count(u) > 0);
  }

  /** Whether the model knows item i: a valid index seen in training. */
  isKnownItem(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.numItems && (!this.popularity || this.popularity[i]! > 0);
  }

  /** The dense index of an original user id (-1 when unknown); the id itself without an id map. */
  userIndex(id: Id): number {
    if (this.userIds) return this.userIds.indexOf(id);
    return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < this.numUsers ? id : -1;
  }

  /** The dense index of an original item id (-1 when unknown); the id itself without an id map. */
  itemIndex(id: Id): number {
    if (this.itemIds) return this.itemIds.indexOf(id);
    return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < this.numItems ? id : -1;
  }

  /** Items users interacted with in training (empty before fit). */
  seenItems(user: number): Int32Array {
    return this.seen ? this.seen.of(user).slice() : new Int32Array(0);
  }

  private rec(i: number, score: number): Recommendation {
    return { item: i, id: this.itemIds?.idOf(i) ?? i, score };
  }

  /**
   * @internal The score `recommend` reports for a raw model score: the same number `predict` would give (a
   * rating model clips it to its rating range). Ranking uses the raw score, so clipped items keep their order.
   */
  protected reportedScore(raw: number): number {
    return raw;
  }

  /** The k most popular training items (the cold-start answer), minus `skip`. */
  popularItems(k: number, skip?: (i: number) => boolean): Recommendation[] {
    const pop = this.popularity ?? new Float32Array(this.numItems);
    return Array.from(topK(pop, k, skip), (i) => this.rec(i, pop[i]!));
  }

  /**
   * The top k items for a user (dense index), best first. A user the model
   * does not know (out of range, or without training interactions) gets the
   * most popular items instead of an error.
   */
  recommend(user: number, k = 10, opts: RecommendOptions = {}): Recommendation[] {
    return this.recommendBatch([user], k, opts)[0]!;
  }

  /** `recommend` for many users at once (scored in blocks). */
  recommendBatch(users: ArrayLike<number>, k = 10, opts: RecommendOptions = {}): Recommendation[][] {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`${this.kind}.recommend: k = ${k}, expected an integer >= 0`);
    const excludeSeen = opts.excludeSeen ?? true;
    const extra = opts.exclude ? new Set(Array.from(opts.exclude)) : undefined;
    const out: Recommendation[][] = new Array(users.length);
    const known: number[] = [];
    for (let r = 0; r < users.length; r++) {
      const u = users[r]!;
      if (this.isKnownUser(u)) known.push(r);
      else out[r] = this.popularItems(k, extra ? (i) => extra.has(i) : undefined);
    }
    const per = Math.max(1, Math.floor(SCORE_BLOCK_FLOATS / this.numItems));
    for (let b = 0; b < known.length; b += per) {
      const rows = known.slice(b, b + per);
      const us = Int32Array.from(rows, (r) => users[r]!);
      const scores = this.scoreAllItems(us);
      rows.forEach((r, j) => {
        const u = us[j]!;
        const skip = (i: number) => (excludeSeen && !!this.seen && this.seen.has(u, i)) || (!!extra && extra.has(i));
        const top = topK(scores, k, skip, j * this.numItems, this.numItems);
        out[r] = Array.from(top, (i) => this.rec(i, this.reportedScore(scores[j * this.numItems + i]!)));
      });
    }
    return out;
  }

  /** Scores of every item for each user: [users.length, numItems] row-major; unknown users get popularity. */
  scoreItems(users: ArrayLike<number>): Float32Array {
    const out = new Float32Array(users.length * this.numItems);
    const known: number[] = [];
    for (let r = 0; r < users.length; r++) {
      if (this.isKnownUser(users[r]!)) known.push(r);
      else out.set(this.popularity ?? new Float32Array(this.numItems), r * this.numItems);
    }
    const per = Math.max(1, Math.floor(SCORE_BLOCK_FLOATS / this.numItems));
    for (let b = 0; b < known.length; b += per) {
      const rows = known.slice(b, b + per);
      const s = this.scoreAllItems(Int32Array.from(rows, (r) => users[r]!));
      rows.forEach((r, j) => out.set(s.subarray(j * this.numItems, (j + 1) * this.numItems), r * this.numItems));
    }
    return out;
  }

  /**
   * The k items most similar to `item` by cosine similarity of the model's
   * item vectors, best first, the item itself left out. An unknown item (or a
   * model without item vectors) gets the most popular items; a model with item
   * features also answers for (and returns) unseen items that have features.
   */
  similarItems(item: number, k = 10): Recommendation[] {
    const vec = this.itemVectors();
    if (!vec || !this.hasItemVector(item)) return this.popularItems(k, (i) => i === item);
    const { data, dim } = vec;
    const norms = new Float64Array(this.numItems);
    for (let i = 0; i < this.numItems; i++) {
      let s = 0;
      for (let f = 0; f < dim; f++) s += data[i * dim + f]! ** 2;
      norms[i] = Math.sqrt(s) || 1;
    }
    const sims = new Float32Array(this.numItems);
    for (let i = 0; i < this.numItems; i++) {
      let s = 0;
      for (let f = 0; f < dim; f++) s += data[item * dim + f]! * data[i * dim + f]!;
      sims[i] = s / (norms[i]! * norms[item]!);
    }
    return Array.from(
      topK(sims, k, (i) => i === item || !this.hasItemVector(i)),
      (i) => this.rec(i, sims[i]!),
    );
  }

  /**
   * @internal Whether item i's vector means something for similarItems: a
   * known item, or (hybrid models) an unseen one described by its features.
   */
  protected hasItemVector(i: number): boolean {
    return this.isKnownItem(i);
  }

  /** The model as JSON metadata plus one binary buffer of arrays (see `loadRecommender`). */
  toArtifacts(): ModelArtifacts {
    const { config, arrays } = this.saveState();
    const all: ArtifactArrays = { ...arrays };
    if (this.seen) {
      all['seen.offsets'] = { data: this.seen.offsets, shape: [this.seen.offsets.length] };
      all['seen.items'] = { data: this.seen.items, shape: [this.seen.items.length] };
    }
    if (this.popularity) all.popularity = { data: this.popularity, shape: [this.numItems] };
    return packArtifacts(
      this.kind,
      {
        ...config,
        numUsers: this.numUsers,
        numItems: this.numItems,
        ...(this.userIds ? { userIds: this.userIds.toArray() } : {}),
        ...(this.itemIds ? { itemIds: this.itemIds.toArray() } : {}),
      },
      all,
    );
  }

  /**
   * Saves into a directory (Node, Deno): model.json and a weights file, each
   * written to a temporary file and renamed, the JSON last, so a reader never
   * sees a half-written model.
   */
  async save(dir: string): Promise<void> {
    await saveArtifacts(dir, this.toArtifacts());
  }

  /** @internal Restores the seen sets and popularity saved by toArtifacts. */
  protected restoreServing(arrays: Record<string, Float32Array | Int32Array>): void {
    const off = arrays['seen.offsets'],
      items = arrays['seen.items'];
    if (off instanceof Int32Array && items instanceof Int32Array) this.seen = UserItems.fromArrays(off, items);
    const pop = arrays.popularity;
    if (pop instanceof Float32Array) this.popularity = pop;
  }
}
