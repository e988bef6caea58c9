// Crash tests: run a Node script that saves over and over, and SIGKILL it at
// a random moment of a save. The script prints 'saved <n>' after each save.
// It runs on the packages' built dist/ (a child process cannot load src/ .ts),
// which `pnpm test` builds first; a missing build fails under CI and skips
// with a message elsewhere.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Whether the built entry a crash script imports is there; under CI a missing build throws. */
export function requireBuilt(distEntry: URL): boolean {
  if (existsSync(distEntry)) return true;
  const msg = `${distEntry.pathname} is not built (run pnpm build)`;
  if (process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false') throw new Error(`${msg}; CI must run the crash tests`);
  console.warn(`[crash tests] skipping: ${msg}`);
  return false;
}

/**
 * Starts `script` with `args`, waits until it has printed `saved <minSaves>`,
 * lets it run `delayMs` more (into the middle of a later save), then kills it
 * with SIGKILL. Resolves with the last save number it printed; `onOutput`
 * sees everything it printed.
 */
export function killDuringSaves(
  script: URL,
  args: string[],
  opts: { minSaves?: number; delayMs: number; timeoutMs?: number; onOutput?: (text: string) => void },
): Promise<number> {
  const minSaves = opts.minSaves ?? 1;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script.pathname, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '',
      last = 0,
      killing = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script.pathname} printed no 'saved ${minSaves}' in ${opts.timeoutMs ?? 60_000} ms:\n${out}\n${err}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      opts.onOutput?.(String(d));
      for (const m of out.matchAll(/saved (\d+)/g)) last = Math.max(last, Number(m[1]));
      if (!killing && last >= minSaves) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), opts.delayMs);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && killing) resolve(last);
      else reject(new Error(`${script.pathname} ended with ${signal ?? `code ${code}`} before it was killed:\n${out}\n${err}`));
    });
  });
}
