// The popularity baseline: every user gets the items with the most training
// interactions. The reference every ranking result is reported beside.
import type { SavedState } from '../io/artifacts.js';
import { toInteractions, type InteractionData } from '../data/interactions.js';
import { Recommender, type RecommenderConfig } from './base.js';

/** Scores items by their training interaction count; see {@link popularity}. */
export class PopularityModel extends Recommender {
  readonly kind = 'popularity';

  /** @internal Use {@link popularity}. */
  constructor(config: RecommenderConfig) {
    super(config, 'popularity');
  }

  /** Counts the interactions of each item (users and items are dense indices). */
  fit(data: InteractionData): this {
    this.observe(toInteractions(data, 'popularity.fit', this.numUsers, this.numItems));
    return this;
  }

  /** The item's training count, for any user (0 for items out of range). */
  scorePairs(users: Int32Array, items: Int32Array): Float32Array {
    if (users.length !== items.length) throw new Error(`popularity.scorePairs: ${users.length} users for ${items.length} items`);
    const pop = this.popularity;
    return Float32Array.from(items, (i) => (pop && i >= 0 && i < this.numItems ? pop[i]! : 0));
  }

  protected scoreAllItems(users: Int32Array): Float32Array {
    const out = new Float32Array(users.length * this.numItems);
    if (this.popularity) for (let r = 0; r < users.length; r++) out.set(this.popularity, r * this.numItems);
    return out;
  }

  protected itemVectors(): undefined {
    return undefined;
  }

  protected saveState(): SavedState {
    return { config: {}, arrays: {} };
  }

  /** @internal Rebuilds a saved model. */
  static fromSaved(config: Record<string, unknown>, arrays: Record<string, Float32Array | Int32Array>): PopularityModel {
    const m = new PopularityModel(config as unknown as RecommenderConfig);
    m.restoreServing(arrays);
    return m;
  }

  dispose(): void {}
}

/** The popularity baseline: `popularity({numUsers, numItems}).fit(train)`. */
export function popularity(config: RecommenderConfig): PopularityModel {
  return new PopularityModel(config);
}
