// Shared by the cross-package tests: paths, running commands, finding the tools
// (Deno from the root devDependency; Chromium is @wasmml/test-utils/browser's)
// and the CI rule that a missing tool skips locally but fails under CI=1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** True under CI (the .ci/run script sets CI=1; CI services set CI=true). */
export const inCI = !!process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false';

/** Deno from the `deno` npm package (a root devDependency). */
export const denoBin = join(repoRoot, 'node_modules', '.bin', 'deno');

/**
 * Whether a tool is there; when it is not, a message saying so, and under CI
 * an error instead (CI must run every test).
 */
export function requireTool(present: boolean, what: string): boolean {
  if (present) return true;
  if (inCI) throw new Error(`${what} is missing, and CI must run this test (see .ci/run)`);
  console.warn(`skipping: ${what} is missing (CI installs it; this test fails there without it)`);
  return false;
}

/** Whether `path` exists. */
export const has = (path: string) => existsSync(path);

/** What a finished command printed. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to the end (or `timeoutMs`), collecting its output. Never
 * throws for a non-zero exit: callers assert on the result, so a failure shows
 * what the command printed.
 */
export function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The command's output, for assertion messages. */
export const output = (r: RunResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The last line of stdout that parses as a JSON object. */
export function lastJson<T = Record<string, unknown>>(stdout: string): T | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as T;
    } catch {
      // not JSON after all
    }
  }
  return undefined;
}
