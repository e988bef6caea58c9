#!/usr/bin/env node
// A small static server for the built page (dist/). It sends the two headers
// that make a page cross-origin isolated, which browsers require before they
// hand out SharedArrayBuffer, and so before wasmml can use more than one thread:
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// `--no-isolation` leaves them out: the page then trains on one thread.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/**
 * Serves `dir` on `port` (0: any free port) at 127.0.0.1.
 * @param {{ dir?: string, port?: number, isolation?: boolean }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve({ dir = fileURLToPath(new URL('./dist', import.meta.url)), port = 8080, isolation = true } = {}) {
  const files = sirv(dir, {
    etag: true,
    setHeaders(res) {
      if (!isolation) return;
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    },
  });
  const server = createServer((req, res) => files(req, res, () => {
    res.statusCode = 404;
    res.end('not found');
  }));
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const isolation = !process.argv.includes('--no-isolation');
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 8080;
  const { url } = await serve({ port, isolation });
  console.log(`serving the wasmml browser example at ${url} (${isolation ? 'cross-origin isolated: threads on' : 'not isolated: one thread'})`);
}
