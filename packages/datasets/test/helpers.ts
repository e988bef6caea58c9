// Test plumbing: a temporary directory and a local
// HTTP server (127.0.0.1, random port) serving fixtures.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@wasmml/tensor';

/** A fresh temporary directory and its remover. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wasmml-datasets-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A route of the fixture server: bytes, plus an optional lie about their length (to cut the body short). */
export interface Route {
  body: Uint8Array;
  announce?: number;
  status?: number;
}

/** Serves `routes` on 127.0.0.1; counts requests per path. */
export async function serve(
  routes: Record<string, Route>,
): Promise<{ url: string; hits: Record<string, number>; close: () => Promise<void> }> {
  const hits: Record<string, number> = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-length': String(route.announce ?? route.body.length) });
    if (route.announce !== undefined && route.announce > route.body.length) {
      // Send what we have, then drop the connection: a truncated transfer.
      res.write(route.body, () => res.destroy());
    } else {
      res.end(route.body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Values and shape of a tensor, then disposes it. */
export function take(t: unknown): { values: number[]; shape: number[]; dtype: string } {
  const x = t as Tensor;
  const out = { values: Array.from(x.dataSync()), shape: x.shape.slice(), dtype: x.dtype };
  x.dispose();
  return out;
}
