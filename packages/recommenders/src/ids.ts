// Id maps: the models work on dense indices 0..n-1; an IdMap translates the
// caller's own ids (numbers or strings: MovieLens movie ids, user names...)
// to those indices and back, and is saved with the model.

/** An original id: a number or a string. */
export type Id = number | string;

/** A column of raw ids turned into dense indices. */
export interface IndexedColumn {
  /** The ids in order of first appearance. */
  map: IdMap;
  /** The dense index of every row. */
  indices: Int32Array;
}

/** A bijection between original ids and dense indices 0..size-1. */
export class IdMap {
  private readonly ids: Id[];
  private readonly index = new Map<Id, number>();

  /** `ids[i]` is the original id of dense index i; ids must be distinct. */
  constructor(ids: ArrayLike<Id>) {
    this.ids = Array.from(ids);
    this.ids.forEach((id, i) => {
      if (typeof id !== 'number' && typeof id !== 'string')
        throw new TypeError(`IdMap: id at index ${i} is ${typeof id}; expected a number or a string`);
      if (this.index.has(id))
        throw new Error(`IdMap: id ${JSON.stringify(id)} appears at indices ${this.index.get(id)} and ${i}; ids must be distinct`);
      this.index.set(id, i);
    });
  }

  /**
   * Dense indices for a column of raw ids, numbered in order of first
   * appearance; returns the map and the index of every row.
   */
  static fromColumn(raw: ArrayLike<Id>): IndexedColumn {
    const seen = new Map<Id, number>();
    const order: Id[] = [];
    const indices = new Int32Array(raw.length);
    for (let r = 0; r < raw.length; r++) {
      const id = raw[r]!;
      let i = seen.get(id);
      if (i === undefined) {
        i = order.length;
        seen.set(id, i);
        order.push(id);
      }
      indices[r] = i;
    }
    return { map: new IdMap(order), indices };
  }

  /** Number of ids. */
  get size(): number {
    return this.ids.length;
  }

  /** The dense index of an id, or -1 when the id is unknown. */
  indexOf(id: Id): number {
    return this.index.get(id) ?? -1;
  }

  /** Dense indices of many ids (-1 for unknown ones). */
  indicesOf(ids: ArrayLike<Id>): Int32Array {
    return Int32Array.from(Array.from(ids), (id) => this.indexOf(id));
  }

  /** The original id of a dense index, or undefined outside 0..size-1. */
  idOf(index: number): Id | undefined {
    return this.ids[index];
  }

  /** The ids in index order (a copy). */
  toArray(): Id[] {
    return this.ids.slice();
  }
}

/** An IdMap from a map or an id list; undefined passes through. */
export function toIdMap(x: IdMap | ArrayLike<Id> | undefined, expectedSize: number, what: string): IdMap | undefined {
  if (x === undefined) return undefined;
  const m = x instanceof IdMap ? x : new IdMap(x);
  if (m.size !== expectedSize) throw new Error(`${what}: the id map has ${m.size} ids for ${expectedSize} indices`);
  return m;
}
