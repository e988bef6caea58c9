// A small synthetic data set in the MovieLens format (ratings.csv + movies.csv,
// as a .zip in memory), for machines without the real MovieLens files: the
// real ones may not be committed (their licence forbids commercial use). It is
// built, not shipped: seeded, so every runtime builds the same bytes.
//
// The ratings come from a model with the structure matrix factorisation looks
// for: a global mean, user and movie biases, and a taste of each user for each
// genre; movies have one to three genres; popular movies get more ratings (a
// Zipf-like law, as in MovieLens); the noise is Gaussian, the ratings rounded to
// half stars in 0.5..5. Titles are made up from word lists.
import { strToU8, zipSync } from 'fflate';
import * as wm from 'wasmml';

const GENRES = ['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi', 'Animation', 'Documentary'];
const ADJECTIVES = [
  'Silent',
  'Crimson',
  'Last',
  'Hidden',
  'Broken',
  'Golden',
  'Midnight',
  'Frozen',
  'Wild',
  'Distant',
  'Electric',
  'Lonely',
  'Burning',
  'Secret',
  'Hollow',
  'Brave',
];
const NOUNS = [
  'Harbor',
  'Kingdom',
  'Signal',
  'Garden',
  'Machine',
  'River',
  'Promise',
  'Planet',
  'Detective',
  'Winter',
  'Orchestra',
  'Frontier',
  'Mirror',
  'Island',
  'Empire',
  'Circus',
];

/** Sizes of the default fixture: about 25,000 ratings, 100 per user on average. */
export const FIXTURE_SIZE = { users: 250, movies: 600, ratingsPerUser: 100 };

/**
 * The fixture's two CSV files as text, exactly in the MovieLens latest-small
 * layout (`userId,movieId,rating,timestamp` and `movieId,title,genres`).
 * @param {{ users?: number, movies?: number, ratingsPerUser?: number, seed?: number }} [options]
 * @returns {{ ratings: string, movies: string }}
 */
export function movieLensFixtureCsv({
  users = FIXTURE_SIZE.users,
  movies = FIXTURE_SIZE.movies,
  ratingsPerUser = FIXTURE_SIZE.ratingsPerUser,
  seed = 7,
} = {}) {
  const rng = new wm.data.Random(`movielens-fixture:${seed}`);
  const G = GENRES.length;
  const movieRows = ['movieId,title,genres'];
  const movieBias = [],
    movieGenres = [];
  for (let m = 0; m < movies; m++) {
    const genres = new Set([rng.int(G)]);
    while (genres.size < 3 && rng.next() < 0.4) genres.add(rng.int(G));
    movieGenres.push([...genres]);
    movieBias.push(0.45 * rng.normal());
    // 16 x 16 word pairs, dealt out of order (97 is prime to 256); sequels after that: titles stay unique.
    const k = (m * 97) % 256,
      sequel = Math.floor(m / 256);
    const title = `The ${ADJECTIVES[k % 16]} ${NOUNS[k >> 4]}${sequel ? ` ${sequel + 1}` : ''}`;
    movieRows.push(`${m + 1},${title} (${1970 + rng.int(50)}),${[...genres].map((g) => GENRES[g]).join('|')}`);
  }
  // Popularity: the movie of rank r is drawn with weight 1 / (r + 10).
  const rank = rng.permutation(movies);
  const cumulative = new Float64Array(movies);
  for (let m = 0, total = 0; m < movies; m++) cumulative[m] = total += 1 / (rank[m] + 10);
  const draw = () => {
    const x = rng.next() * cumulative[movies - 1];
    let lo = 0,
      hi = movies - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const ratingRows = ['userId,movieId,rating,timestamp'];
  for (let u = 0; u < users; u++) {
    const bias = 0.35 * rng.normal();
    const taste = Array.from({ length: G }, () => 0.8 * rng.normal());
    const count = Math.max(20, Math.round(ratingsPerUser * Math.exp(0.6 * rng.normal() - 0.18)));
    const seen = new Set();
    let time = 1_100_000_000 + rng.int(400_000_000);
    for (let tries = 0; seen.size < Math.min(count, movies / 2) && tries < count * 20; tries++) {
      const m = draw();
      if (seen.has(m)) continue;
      seen.add(m);
      const g = movieGenres[m];
      const affinity = g.reduce((s, k) => s + taste[k], 0) / g.length;
      const r = 3.5 + bias + movieBias[m] + affinity + 0.45 * rng.normal();
      const stars = Math.min(5, Math.max(0.5, Math.round(r * 2) / 2));
      time += 30 + rng.int(86_400);
      ratingRows.push(`${u + 1},${m + 1},${stars.toFixed(1)},${time}`);
    }
  }
  return { ratings: `${ratingRows.join('\n')}\n`, movies: `${movieRows.join('\n')}\n` };
}

/**
 * MovieLens-style CSV files as the bytes of a .zip, which
 * `wm.data.loadMovieLens({ source: bytes })` reads in every runtime (the
 * browser too, where it cannot read a directory).
 * @param {{ ratings: string | Uint8Array, movies?: string | Uint8Array }} files
 * @returns {Uint8Array}
 */
export function movieLensZip({ ratings, movies }) {
  const bytes = (s) => (typeof s === 'string' ? strToU8(s) : s);
  const entries = { 'ratings.csv': [bytes(ratings), { level: 0 }] };
  if (movies !== undefined) entries['movies.csv'] = [bytes(movies), { level: 0 }];
  return zipSync(entries);
}

/** The fixture, loaded: what `wm.data.loadMovieLens` returns for it. */
export async function loadMovieLensFixture(options) {
  return wm.data.loadMovieLens({ source: movieLensZip(movieLensFixtureCsv(options)) });
}
