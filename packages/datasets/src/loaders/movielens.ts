// MovieLens ratings: ml-latest-small / ml-25m (CSV with a header) and ml-100k
// (tab-separated u.data, pipe-separated latin-1 u.item), from a directory, a
// .zip URL (downloaded, verified, read in memory) or a zip's bytes.
import { platform } from '@wasmml/platform';
import { unzipSync } from 'fflate';
import { CsvError, readCsvChunks, type CsvReadOptions } from '../csv-reader.js';
import type { Dataset } from '../dataset.js';
import type { DownloadOptions } from '../io/download.js';
import { fileResource, isRemote, joinLocation, memoryResource, type Resource } from '../io/resource.js';
import { fromArrays } from '../sources.js';
import type { XY } from '../types.js';
import { allInOrder, locate } from './locate.js';

/** The MovieLens releases with a known download location. */
export type MovieLensVariant = 'ml-latest-small' | 'ml-25m' | 'ml-100k';

/** Options of {@link loadMovieLens}. */
export interface MovieLensOptions {
  /**
   * A directory holding ratings.csv (+ movies.csv) or u.data (+ u.item); the URL
   * of a release .zip; the bytes of one; or a release name, downloaded from
   * GroupLens (md5-verified where GroupLens publishes a fixed checksum).
   * Default 'ml-latest-small'.
   */
  source?: MovieLensVariant | string | URL | Uint8Array;
  /** Cache directory, progress callback, custom fetch... for URL sources. */
  download?: DownloadOptions;
}

/** Ratings as parallel typed arrays over dense user and item indices, with the id maps and titles. */
export interface MovieLensData {
  /** Number of ratings. */
  count: number;
  /** Dense user index (0..numUsers-1) of each rating. */
  users: Int32Array;
  /** Dense item index (0..numItems-1) of each rating. */
  items: Int32Array;
  /** The ratings (0.5-5 in steps of 0.5, or 1-5 for ml-100k). */
  ratings: Float32Array;
  /** Unix time in seconds of each rating. */
  timestamps: Uint32Array;
  /** Number of distinct users. */
  numUsers: number;
  /** Number of distinct rated movies. */
  numItems: number;
  /** Original user id of each dense user index (ascending). */
  userIds: Int32Array;
  /** Original movie id of each dense item index (ascending). */
  itemIds: Int32Array;
  /** Original user id → dense index. */
  userIndex: Map<number, number>;
  /** Original movie id → dense index. */
  itemIndex: Map<number, number>;
  /** Title of each dense item ('' when the movies file lacks it). */
  titles: string[];
  /** Every movie of the movies file by original id, rated or not (empty when there is no movies file). */
  movies: Map<number, MovieInfo>;
  /** `{xs: {user, item}, ys: rating}` elements in file order. */
  dataset(): Dataset<XY<UserItem, number>>;
}

/** A movie of the movies file. */
export interface MovieInfo {
  /** Title with year, e.g. 'Toy Story (1995)'. */
  title: string;
  /** Genre names. */
  genres: string[];
}

/** The features of one rating: dense user and item indices. */
export interface UserItem {
  /** Dense user index. */
  user: number;
  /** Dense item index. */
  item: number;
}

const GROUPLENS = 'https://files.grouplens.org/datasets/movielens/';
const RELEASE_MD5: Partial<Record<MovieLensVariant, string>> = {
  'ml-25m': '6b51fb2759a8657d3bfcbfc42b592ada',
  'ml-100k': '0e33842e24a9c977be4e0107933c0723',
  // ml-latest-small is re-released in place: no fixed checksum to pin.
};

interface Files {
  ratings: Resource;
  movies?: Resource;
  format: 'csv' | '100k';
}

class Growable<A extends Int32Array | Float32Array | Uint32Array> {
  length = 0;
  constructor(public data: A) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => A)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  done(): A {
    return this.data.slice(0, this.length) as A;
  }
}

function fromZip(bytes: Uint8Array, name: string): Files {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => /(^|\/)(ratings\.csv|movies\.csv|u\.data|u\.item)$/.test(f.name) });
  } catch (e) {
    throw new Error(`${name}: not a readable zip archive (${(e as Error).message})`, { cause: e });
  }
  const find = (file: string) => {
    const key = Object.keys(entries).find((k) => k === file || k.endsWith(`/${file}`));
    return key === undefined ? undefined : memoryResource(`${name}:${key}`, entries[key]!);
  };
  const csv = find('ratings.csv');
  if (csv) return { ratings: csv, movies: find('movies.csv'), format: 'csv' };
  const data = find('u.data');
  if (data) return { ratings: data, movies: find('u.item'), format: '100k' };
  throw new Error(`${name}: the archive holds neither ratings.csv nor u.data`);
}

async function resolveFiles(source: MovieLensOptions['source'], options: DownloadOptions | undefined): Promise<Files> {
  const src = source ?? 'ml-latest-small';
  if (src instanceof Uint8Array) return fromZip(src, 'movielens.zip');
  const s = String(src);
  if (s === 'ml-latest-small' || s === 'ml-25m' || s === 'ml-100k') {
    const res = await locate([GROUPLENS], { name: `${s}.zip`, checksum: RELEASE_MD5[s] }, 'movielens', options);
    return fromZip(await res.bytes(), res.name);
  }
  if (isRemote(s) || /\.zip$/i.test(s)) {
    const res = isRemote(s)
      ? await locate([s.slice(0, s.lastIndexOf('/') + 1)], { name: s.slice(s.lastIndexOf('/') + 1) }, 'movielens', options)
      : fileResource(src as string | URL);
    return fromZip(await res.bytes(), res.name);
  }
  const exists = async (f: string) => !platform.hasFileSystem || (await platform.fileSize(joinLocation(src as string, f))) !== undefined;
  if (await exists('ratings.csv')) {
    return {
      ratings: fileResource(joinLocation(s, 'ratings.csv')),
      movies: (await exists('movies.csv')) ? fileResource(joinLocation(s, 'movies.csv')) : undefined,
      format: 'csv',
    };
  }
  if (await exists('u.data')) {
    return {
      ratings: fileResource(joinLocation(s, 'u.data')),
      movies: (await exists('u.item')) ? fileResource(joinLocation(s, 'u.item')) : undefined,
      format: '100k',
    };
  }
  throw new Error(`loadMovieLens: ${s} holds neither ratings.csv nor u.data`);
}

function toInt(s: string | undefined, file: string, line: number, what: string): number {
  const v = Number(s);
  if (s === undefined || s === '' || !Number.isInteger(v)) throw new CsvError(file, line, `${what} "${s ?? ''}" is not an integer`);
  return v;
}

async function readRatings(files: Files) {
  const users = new Growable(new Int32Array(1 << 16));
  const items = new Growable(new Int32Array(1 << 16));
  const ratings = new Growable(new Float32Array(1 << 16));
  const times = new Growable(new Uint32Array(1 << 16));
  const name = files.ratings.name;
  const opts: CsvReadOptions = files.format === 'csv' ? {} : { delimiter: '\t', quoteChar: '\u0000' };
  let header = files.format === 'csv';
  for await (const rows of readCsvChunks(files.ratings, opts)) {
    for (const { fields, line } of rows) {
      if (header) {
        const cols = fields.map((f) => f.trim()).join(',');
        if (cols !== 'userId,movieId,rating,timestamp')
          throw new CsvError(name, line, `expected the header userId,movieId,rating,timestamp, found ${cols}`);
        header = false;
        continue;
      }
      if (fields.length !== 4) throw new CsvError(name, line, `expected 4 fields (user, movie, rating, timestamp), found ${fields.length}`);
      users.push(toInt(fields[0], name, line, 'user id'));
      items.push(toInt(fields[1], name, line, 'movie id'));
      const r = Number(fields[2]);
      if (fields[2] === '' || !Number.isFinite(r)) throw new CsvError(name, line, `rating "${fields[2]}" is not a number`);
      ratings.push(r);
      const t = toInt(fields[3], name, line, 'timestamp');
      if (t < 0 || t > 0xffffffff) throw new CsvError(name, line, `timestamp ${t} is outside 0..2^32-1`);
      times.push(t);
    }
  }
  return { users: users.done(), items: items.done(), ratings: ratings.done(), timestamps: times.done() };
}

async function readMovies(files: Files): Promise<Map<number, { title: string; genres: string[] }>> {
  const movies = new Map<number, { title: string; genres: string[] }>();
  if (!files.movies) return movies;
  const name = files.movies.name;
  if (files.format === 'csv') {
    let header = true;
    for await (const rows of readCsvChunks(files.movies)) {
      for (const { fields, line } of rows) {
        if (header) {
          header = false;
          continue;
        }
        if (fields.length !== 3) throw new CsvError(name, line, `expected 3 fields (movieId, title, genres), found ${fields.length}`);
        movies.set(toInt(fields[0], name, line, 'movie id'), { title: fields[1]!, genres: fields[2]!.split('|') });
      }
    }
    return movies;
  }
  const GENRES = [
    'unknown',
    'Action',
    'Adventure',
    'Animation',
    "Children's",
    'Comedy',
    'Crime',
    'Documentary',
    'Drama',
    'Fantasy',
    'Film-Noir',
    'Horror',
    'Musical',
    'Mystery',
    'Romance',
    'Sci-Fi',
    'Thriller',
    'War',
    'Western',
  ];
  for await (const rows of readCsvChunks(files.movies, { delimiter: '|', quoteChar: '\u0000', encoding: 'latin1' })) {
    for (const { fields, line } of rows) {
      if (fields.length !== 5 + GENRES.length)
        throw new CsvError(name, line, `expected ${5 + GENRES.length} fields, found ${fields.length}`);
      movies.set(toInt(fields[0], name, line, 'movie id'), { title: fields[1]!, genres: GENRES.filter((_, g) => fields[5 + g] === '1') });
    }
  }
  return movies;
}

function denseIndex(ids: Int32Array): { sorted: Int32Array; index: Map<number, number>; dense: Int32Array } {
  const sorted = Int32Array.from(new Set(ids)).sort();
  const index = new Map<number, number>();
  sorted.forEach((id, i) => index.set(id, i));
  const dense = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) dense[i] = index.get(ids[i]!)!;
  return { sorted, index, dense };
}

/**
 * Loads MovieLens ratings as typed arrays over dense user/item indices (sorted
 * by original id), with the maps between original ids and indices and the
 * movie titles. Large files are streamed row by row.
 */
export async function loadMovieLens(options: MovieLensOptions = {}): Promise<MovieLensData> {
  const files = await resolveFiles(options.source, options.download);
  const [r, movies] = await allInOrder([readRatings(files), readMovies(files)]);
  const u = denseIndex(r.users);
  const it = denseIndex(r.items);
  const titles = Array.from(it.sorted, (id) => movies.get(id)?.title ?? '');
  const users = u.dense;
  const items = it.dense;
  const ratings = r.ratings;
  return {
    count: ratings.length,
    users,
    items,
    ratings,
    timestamps: r.timestamps,
    numUsers: u.sorted.length,
    numItems: it.sorted.length,
    userIds: u.sorted,
    itemIds: it.sorted,
    userIndex: u.index,
    itemIndex: it.index,
    titles,
    movies,
    dataset: () =>
      fromArrays({ user: users, item: items, rating: ratings }).map((e) => ({ xs: { user: e.user, item: e.item }, ys: e.rating })),
  };
}
