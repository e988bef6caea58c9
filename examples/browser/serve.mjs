#!/usr/bin/env node
// A small static server for the built page (dist/). It sends the two headers
// that make a page cross-origin isolated, which browsers require before they
// hand out SharedArrayBuffer, and so before wasmml can use more than one thread:
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// `--no-isolation` leaves them out: the page then trains on one thread.
//
// It also serves the real MovieLens files, when they are on this machine
// (`$WASMML_DATASETS_DIR/movielens-latest-small` or `shared/datasets/` beside
// the checkout; `--movielens <dir>` to choose), at
// /datasets/movielens-latest-small/{ratings,movies}.csv: the page reads those
// when it finds them, and builds a synthetic fixture when it does not.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The MovieLens latest-small directory on this machine, if any. */
export function findMovieLens() {
  return [process.env.WASMML_DATASETS_DIR, join(repoRoot, '..', 'shared', 'datasets')]
    .map((base) => base && join(base, 'movielens-latest-small'))
    .find((dir) => dir && existsSync(join(dir, 'ratings.csv')));
}

/**
 * Serves `dir` on `port` (0: any free port) at 127.0.0.1, and `movielens` (a
 * directory with ratings.csv and movies.csv; none: the page uses its fixture)
 * under /datasets/movielens-latest-small/.
 * @param {{ dir?: string, port?: number, isolation?: boolean, movielens?: string }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve({ dir = fileURLToPath(new URL('./dist', import.meta.url)), port = 8080, isolation = true, movielens } = {}) {
  const headers = {
    etag: true,
    setHeaders(res) {
      if (!isolation) return;
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    },
  };
  const files = sirv(dir, headers);
  const datasets = movielens ? sirv(movielens, headers) : undefined;
  const prefix = '/datasets/movielens-latest-small/';
  const notFound = (res) => () => {
    res.statusCode = 404;
    res.end('not found');
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path.startsWith(prefix)) {
      // Only the two files the page reads, nothing else of that directory.
      const name = path.slice(prefix.length);
      if (!datasets || !['ratings.csv', 'movies.csv'].includes(name)) return notFound(res)();
      req.url = `/${name}`;
      return datasets(req, res, notFound(res));
    }
    return files(req, res, notFound(res));
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const isolation = !process.argv.includes('--no-isolation');
  const port = Number(arg('--port') ?? 8080);
  const movielens = arg('--movielens') ?? findMovieLens();
  const { url } = await serve({ port, isolation, movielens });
  console.log(
    `serving the wasmml browser example at ${url} (${isolation ? 'cross-origin isolated: threads on' : 'not isolated: one thread'})`,
  );
  console.log(
    movielens ? `MovieLens ratings from ${movielens}` : 'no MovieLens files found: the movielens task uses the synthetic fixture',
  );
}
