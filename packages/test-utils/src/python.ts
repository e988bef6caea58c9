// The Python reference environment for differential tests (torch, keras,
// transformers, onnxruntime, ...): made and cached by scripts/python-env.mjs.
// Under CI=1 a missing environment is an error, never a skip.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let cached: string | null | undefined;

/**
 * The reference environment's python executable. Makes the environment when
 * it is missing (the first time takes minutes); returns undefined, with the
 * reason on stderr, only outside CI when it cannot be made. Under CI=1 it
 * throws instead, so a reference test can never skip silently there.
 */
export function referencePython(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const script = join(repoRoot, 'scripts', 'python-env.mjs');
  try {
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const python = out.trim().split('\n').pop() ?? '';
    if (!existsSync(python)) throw new Error(`python-env printed ${JSON.stringify(python)}, which does not exist`);
    cached = python;
  } catch (err) {
    if (process.env.CI) throw new Error(`the Python reference environment is required under CI: ${(err as Error).message}`);
    console.warn(`[reference tests] no Python reference environment (${(err as Error).message}); skipping`);
    cached = null;
  }
  return cached ?? undefined;
}

/** Runs `code` with the reference python (cwd and env as given); returns stdout. Throws with stderr on failure. */
export function runPython(code: string, options: ExecFileSyncOptions & { args?: string[] } = {}): string {
  const python = referencePython();
  if (python === undefined) throw new Error('runPython: no reference environment (check referencePython() first)');
  const { args = [], ...rest } = options;
  try {
    return execFileSync(python, ['-c', code, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', PYTHONHASHSEED: '0', ...(rest.env ?? {}) },
      ...rest,
    }) as string;
  } catch (err) {
    const e = err as { stderr?: Buffer | string; message: string };
    throw new Error(`python reference failed: ${e.message}\n${String(e.stderr ?? '').slice(-4000)}`);
  }
}
