// Pages in headless Chromium, shared by the tests that drive one (the browser
// example, @wasmml/vis's live charts): Debian's Chromium driven by
// playwright-core, a page built by Vite (its CLI, in a child process, so the
// build never shares a module graph with vitest's own Vite), served from a
// temporary folder with or without the cross-origin isolation headers, and
// the page's errors collected so a test can require there were none.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sirv from 'sirv';
import { inCI } from './data.js';

/** Debian's Chromium, as .ci/run installs it ($CHROMIUM_PATH overrides). */
export const chromiumBin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether Chromium is there. Without it: a warning and false outside CI (the
 * test skips), an error under CI (CI must run every test).
 */
export function hasChromium(who: string): boolean {
  if (existsSync(chromiumBin)) return true;
  const what = `Chromium (${chromiumBin}; apt-get install chromium)`;
  if (inCI()) throw new Error(`[${who}] ${what} is missing, and CI must run this test (see .ci/run)`);
  console.warn(`[${who}] skipping: ${what} is missing (CI installs it; this test fails there without it)`);
  return false;
}

/** Headless Chromium in a fresh profile: no sandbox (containers), no GPU, nothing fetched in the background. */
export async function launchChromium(): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wasmml-chromium-')), {
    executablePath: chromiumBin,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Runs a command to its end; resolves with its output, rejects with it on a non-zero exit. */
function runToEnd(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${out}`));
    });
  });
}

/**
 * Builds the Vite page in `root` (its index.html and vite.config.*) into
 * `outDir` (default: a new temporary folder); returns the folder. `vite`
 * defaults to the one this package depends on.
 */
export async function viteBuild(root: string, options: { outDir?: string; vite?: string } = {}): Promise<string> {
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'wasmml-vite-'));
  const vite = options.vite ?? join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await runToEnd(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], root, 240_000);
  return outDir;
}

/** A static server of one folder at 127.0.0.1 on a free port. */
export interface StaticServer {
  /** The folder's URL, ending in '/'. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves `dir`. With `isolation` it sends COOP/COEP, which make the page
 * cross-origin isolated: only then does Chromium give it SharedArrayBuffer,
 * and so kernel threads.
 */
export async function serveStatic(dir: string, options: { isolation?: boolean } = {}): Promise<StaticServer> {
  const files = sirv(dir, {
    setHeaders(res) {
      if (!options.isolation) return;
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    },
  });
  const server = createServer((req, res) =>
    files(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    }),
  );
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Collects the page's uncaught errors and console errors, for `expect(errors).toEqual([])`. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}
