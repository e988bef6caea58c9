import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, loadMovieLens } from '@wasmml/datasets';
import { movieLensDir } from '@wasmml/test-utils/data';
import { serve, take, tempDir } from './helpers.js';

const mlDir = movieLensDir('datasets tests');
const tmp = tempDir();
afterAll(() => tmp.remove());
const enc = (s: string) => new TextEncoder().encode(s);

describe.skipIf(!mlDir)('MovieLens latest-small (real files)', () => {
  it('parses 100,836 ratings by 610 users, with id maps and titles', async () => {
    const ml = await loadMovieLens({ source: mlDir! });
    expect(ml.count).toBe(100_836);
    expect(ml.numUsers).toBe(610);
    expect(ml.numItems).toBe(9724);
    expect(ml.movies.size).toBe(9742);
    // Independent check of the first and last data rows.
    const lines = readFileSync(join(mlDir!, 'ratings.csv'), 'utf8').trim().split('\n');
    for (const [row, line] of [
      [0, lines[1]!],
      [ml.count - 1, lines[lines.length - 1]!],
    ] as const) {
      const [u, m, r, t] = line.split(',').map(Number);
      expect(ml.userIds[ml.users[row]!]).toBe(u);
      expect(ml.itemIds[ml.items[row]!]).toBe(m);
      expect(ml.ratings[row]).toBe(r);
      expect(ml.timestamps[row]).toBe(t);
    }
    expect(ml.userIndex.get(1)).toBe(0);
    expect(ml.userIndex.get(610)).toBe(609);
    const toy = ml.itemIndex.get(1)!;
    expect(ml.titles[toy]).toBe('Toy Story (1995)');
    expect(ml.movies.get(1)!.genres).toEqual(['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy']);
    let sum = 0;
    for (const r of ml.ratings) sum += r;
    expect(sum / ml.count).toBeCloseTo(3.5016, 3);
    // A title with a comma inside quotes.
    expect([...ml.movies.values()].some((m) => m.title === 'American President, The (1995)')).toBe(true);
    const batch = (await ml.dataset().take(4).batch(4).toArray())[0]!;
    expect(take(batch.xs.user).shape).toEqual([4]);
    expect(take(batch.xs.item).values).toEqual(Array.from(ml.items.subarray(0, 4)));
    expect(take(batch.ys).values).toEqual(Array.from(ml.ratings.subarray(0, 4)));
  });
});

describe('MovieLens formats', () => {
  const u100k = '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t302\t5\t881250950\n';
  const genres = (on: number[]) => Array.from({ length: 19 }, (_, g) => (on.includes(g) ? '1' : '0')).join('|');
  const uitem = new Uint8Array([
    ...enc(`242|Kolya (1996)|24-Jan-1997||http://x|${genres([5])}\n`),
    ...enc(`302|L.A. Confidential (1997)|01-Jan-1997||http://x|${genres([6, 10, 16])}\n`),
    // latin-1: "Misérables" with é as the single byte 0xE9
    ...enc('377|Les Mis'),
    0xe9,
    ...enc(`rables (1995)|01-Jan-1995||http://x|${genres([8])}\n`),
  ]);

  it('reads ml-100k (tab-separated u.data, latin-1 u.item)', async () => {
    const dir = join(tmp.dir, 'ml-100k');
    mkdirSync(dir);
    writeFileSync(join(dir, 'u.data'), u100k);
    writeFileSync(join(dir, 'u.item'), uitem);
    const ml = await loadMovieLens({ source: dir });
    expect(ml.count).toBe(4);
    expect(Array.from(ml.userIds)).toEqual([22, 186, 196]);
    expect(Array.from(ml.users)).toEqual([2, 1, 0, 2]);
    expect(Array.from(ml.itemIds)).toEqual([242, 302, 377]);
    expect(Array.from(ml.items)).toEqual([0, 1, 2, 1]);
    expect(Array.from(ml.ratings)).toEqual([3, 3, 1, 5]);
    expect(ml.timestamps[3]).toBe(881250950);
    expect(ml.titles).toEqual(['Kolya (1996)', 'L.A. Confidential (1997)', 'Les Misérables (1995)']);
    expect(ml.movies.get(302)!.genres).toEqual(['Crime', 'Film-Noir', 'Thriller']);
  });

  it('reads a release zip from bytes or a URL', async () => {
    const zip = zipSync({
      'ml-latest-small/ratings.csv': enc('userId,movieId,rating,timestamp\n5,10,4.5,100\n3,10,2.0,200\n'),
      'ml-latest-small/movies.csv': enc('movieId,title,genres\n10,"Heat, The (1995)",Action|Crime\n'),
      'ml-latest-small/README.txt': enc('readme'),
    });
    const fromBytes = await loadMovieLens({ source: zip });
    expect(Array.from(fromBytes.userIds)).toEqual([3, 5]);
    expect(fromBytes.titles).toEqual(['Heat, The (1995)']);
    const server = await serve({ '/ml.zip': { body: zip } });
    try {
      const ml = await loadMovieLens({ source: `${server.url}/ml.zip`, download: { cacheDir: join(tmp.dir, 'cache') } });
      expect(Array.from(ml.ratings)).toEqual([4.5, 2]);
    } finally {
      await server.close();
    }
    const ml100k = await loadMovieLens({ source: zipSync({ 'ml-100k/u.data': enc(u100k), 'ml-100k/u.item': uitem }) });
    expect(ml100k.count).toBe(4);
  });

  it('rejects malformed rows with the file and line', async () => {
    const dir = join(tmp.dir, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,2,3,4\n1,2,x,4\n');
    const err = await loadMovieLens({ source: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect(err.message).toBe(`${join(dir, 'ratings.csv')}, line 3: rating "x" is not a number`);
    writeFileSync(join(dir, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,2,3\n');
    await expect(loadMovieLens({ source: dir })).rejects.toThrow(
      'ratings.csv, line 2: expected 4 fields (user, movie, rating, timestamp), found 3',
    );
    writeFileSync(join(dir, 'ratings.csv'), 'user,movie,rating,timestamp\n');
    await expect(loadMovieLens({ source: dir })).rejects.toThrow(/line 1: expected the header userId,movieId,rating,timestamp/);
    await expect(loadMovieLens({ source: join(tmp.dir, 'nothing') })).rejects.toThrow(/holds neither ratings\.csv nor u\.data/);
    await expect(loadMovieLens({ source: enc('not a zip') })).rejects.toThrow(/movielens\.zip: not a readable zip archive/);
  });
});
