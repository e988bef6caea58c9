import { describe, expect, it } from 'vitest';
import { averagePrecisionAtK, coverageAtK, hitRateAtK, mae, ndcgAtK, precisionAtK, recallAtK, rmse, topK } from '@wasmml/recommenders';
import { randomFloats } from '@wasmml/test-utils';

describe('rating metrics', () => {
  it('rmse and mae by their formulas', () => {
    expect(rmse([1, 2, 3], [1, 4, 0])).toBeCloseTo(Math.sqrt((0 + 4 + 9) / 3), 12);
    expect(mae([1, 2, 3], [1, 4, 0])).toBeCloseTo(5 / 3, 12);
    expect(rmse([], [])).toBe(0);
    expect(() => rmse([1], [1, 2])).toThrow(/rmse: 1 predictions for 2 ratings/);
  });
});

describe('ranking metrics (binary relevance)', () => {
  const ranked = [7, 3, 9, 1, 4];
  const rel = new Set([3, 4, 8]);

  it('HR, precision and recall at K', () => {
    expect(hitRateAtK(ranked, rel, 1)).toBe(0);
    expect(hitRateAtK(ranked, rel, 2)).toBe(1);
    expect(precisionAtK(ranked, rel, 5)).toBeCloseTo(2 / 5, 12);
    expect(recallAtK(ranked, rel, 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, [], 5)).toBe(0);
  });

  it('NDCG@K: DCG over the ideal DCG with gains 1/log2(rank+2)', () => {
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(6);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, rel, 5)).toBeCloseTo(dcg / ideal, 12);
    // One relevant item at rank r (0-based): 1 / log2(r + 2).
    expect(ndcgAtK([5, 6, 2], [2], 10)).toBeCloseTo(1 / Math.log2(4), 12);
    expect(ndcgAtK([2, 5], [2], 1)).toBe(1);
  });

  it('AP@K: mean of precision at each hit, over min(K, relevant)', () => {
    expect(averagePrecisionAtK(ranked, rel, 5)).toBeCloseTo((1 / 2 + 2 / 5) / 3, 12);
    expect(averagePrecisionAtK(ranked, rel, 2)).toBeCloseTo(1 / 2 / 2, 12);
    expect(averagePrecisionAtK([1, 2, 3], [3], 3)).toBeCloseTo(1 / 3, 12);
  });

  it('catalogue coverage counts distinct items across top-K lists', () => {
    expect(
      coverageAtK(
        [
          [1, 2, 3],
          [2, 3, 4],
          [9, 9],
        ],
        10,
        2,
      ),
    ).toBeCloseTo(4 / 10, 12);
    expect(() => coverageAtK([], 10, 0)).toThrow(/k = 0/);
  });
});

describe('topK', () => {
  it('equals a full sort (score descending, then index ascending), skipping excluded and NaN', () => {
    const s = randomFloats(5000, 4);
    for (let i = 0; i < 5000; i += 7) s[i] = 0.25; // many ties
    s[11] = Number.NaN;
    const skip = (i: number) => i % 5 === 0;
    const want = Array.from(s.keys())
      .filter((i) => !skip(i) && !Number.isNaN(s[i]!))
      .sort((a, b) => s[b]! - s[a]! || a - b)
      .slice(0, 300);
    expect(Array.from(topK(s, 300, skip))).toEqual(want);
    expect(Array.from(topK(s, 0))).toEqual([]);
    expect(topK([3, 1, 2], 10).length).toBe(3);
    // A window of a larger array (rows of a score matrix).
    expect(Array.from(topK([9, 9, 1, 5, 3], 2, undefined, 2, 3))).toEqual([1, 2]);
  });
});
