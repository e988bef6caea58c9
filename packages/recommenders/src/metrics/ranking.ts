// Top-K ranking metrics of one ranked list against the set of relevant items
// (binary relevance), and catalogue coverage over many lists. Averaging over
// users (or test cases) is the caller's: MAP@K is the mean of
// averagePrecisionAtK.

/** Relevant items: a set or a list. */
export type Relevant = ReadonlySet<number> | ArrayLike<number>;

function asSet(r: Relevant): ReadonlySet<number> {
  return r instanceof Set ? r : new Set(Array.from(r as ArrayLike<number>));
}

function checkK(k: number, op: string): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${op}: k = ${k}, expected an integer >= 1`);
}

function hits(ranked: ArrayLike<number>, rel: ReadonlySet<number>, k: number): number {
  let h = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (rel.has(ranked[r]!)) h++;
  return h;
}

/** 1 if any relevant item is in the top k, else 0 (HR@K). */
export function hitRateAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  checkK(k, 'hitRateAtK');
  return hits(ranked, asSet(relevant), k) > 0 ? 1 : 0;
}

/** Relevant items in the top k, over k (P@K). */
export function precisionAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  checkK(k, 'precisionAtK');
  return hits(ranked, asSet(relevant), k) / k;
}

/** Relevant items in the top k, over the number of relevant items (R@K; 0 when none is relevant). */
export function recallAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  checkK(k, 'recallAtK');
  const rel = asSet(relevant);
  return rel.size ? hits(ranked, rel, k) / rel.size : 0;
}

/** DCG of the top k (gain 1 / log2(rank + 2)) over the ideal DCG (NDCG@K). */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  checkK(k, 'ndcgAtK');
  const rel = asSet(relevant);
  let dcg = 0,
    ideal = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (rel.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  for (let r = 0; r < Math.min(k, rel.size); r++) ideal += 1 / Math.log2(r + 2);
  return ideal ? dcg / ideal : 0;
}

/** Average precision at k: sum of P@r at each relevant rank r <= k, over min(k, relevant count) (AP@K). */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  checkK(k, 'averagePrecisionAtK');
  const rel = asSet(relevant);
  let h = 0,
    sum = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) {
    if (rel.has(ranked[r]!)) {
      h++;
      sum += h / (r + 1);
    }
  }
  const denom = Math.min(k, rel.size);
  return denom ? sum / denom : 0;
}

/** Fraction of the catalogue (numItems) that appears in at least one top-k list. */
export function coverageAtK(lists: ReadonlyArray<ArrayLike<number>>, numItems: number, k: number): number {
  checkK(k, 'coverageAtK');
  if (numItems <= 0) return 0;
  const seen = new Uint8Array(numItems);
  let n = 0;
  for (const l of lists) {
    for (let r = 0; r < Math.min(k, l.length); r++) {
      const i = l[r]!;
      if (i >= 0 && i < numItems && !seen[i]) {
        seen[i] = 1;
        n++;
      }
    }
  }
  return n / numItems;
}
