// Faults in the thread pool: a worker that throws, exits or hangs in the
// middle of a kernel. The call must throw with the cause (never hang), and the
// pool must come back (fresh workers) or say it is broken.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Arena } from '../src/memory.js';
import { workers as nodeWorkers } from '../src/workers/node.js';
import type { PoolWorker, WorkerHost } from '../src/workers/types.js';
import { KernelError, Pool, setParallelThreshold, getParallelThreshold } from '../src/pool.js';

type Mode = 'none' | 'throw' | 'exit' | 'hang';
// Large enough (4 MiB per array) that the worker wakes and claims chunks before the calling thread has run them all.
const N = 1 << 20;

/** A pool of `threads` whose workers run the faulty fixture entry. */
async function faultyPool(mode: Mode, threads = 2) {
  const bytes = readFileSync(new URL('../wasm/simd-shared.wasm', import.meta.url));
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 512, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as Record<string, (...a: number[]) => void>;
  const names = Object.keys(exports)
    .filter((k) => typeof exports[k] === 'function')
    .sort();
  const arena = new Arena(memory, 512 * 65536);
  let started = 0;
  const platform: WorkerHost = {
    ...nodeWorkers,
    createWorker(onError): PoolWorker {
      started++;
      const w = new Worker(new URL('./fixtures/faulty-worker.mjs', import.meta.url), { workerData: { mode } });
      w.unref();
      w.on('error', onError);
      w.on('exit', (code) => onError(new Error(`pool worker exited with code ${code}`)));
      return { start: (init) => w.postMessage(init), terminate: () => void w.terminate() };
    },
  };
  const pool = new Pool(
    platform,
    memory,
    module,
    undefined,
    exports,
    names,
    (n) => arena.alloc(n),
    (p) => arena.free(p),
  );
  await pool.resize(threads);
  const x = arena.alloc(N * 4),
    y = arena.alloc(N * 4);
  const view = () => new Float32Array(memory.buffer, 0, memory.buffer.byteLength / 4);
  for (let i = 0; i < N; i++) view()[x / 4 + i] = i;
  /** Runs neg or abs over x into y and returns y. */
  const run = (kernel: 'neg_f32' | 'abs_f32') => {
    view().fill(Number.NaN, y / 4, y / 4 + N);
    pool.run(kernel, [x, y], N);
    return Float32Array.from(view().subarray(y / 4, y / 4 + N));
  };
  return { pool, run, started: () => started };
}

const threshold = getParallelThreshold();
let pools: Pool[] = [];
afterEach(() => {
  setParallelThreshold(threshold);
  for (const p of pools) p.stop();
  pools = [];
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Threads of this process (other than the main one) the OS counts as running or runnable (Linux /proc). */
function busyThreads(): number {
  let n = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    try {
      // Field 3 of stat, after the parenthesised name: R running/runnable, S sleeping.
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'R') n++;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return n;
}

describe('thread pool waiting', () => {
  // The OS's view, not a clock: a spinning worker is runnable in every sample however
  // starved the machine is; a sleeping one (Atomics.wait) is not.
  it.runIf(existsSync('/proc/self/task'))(
    'between kernels the workers sleep in Atomics.wait instead of spinning',
    async () => {
      setParallelThreshold(0);
      const { pool, run } = await faultyPool('none', 2);
      pools.push(pool);
      expect(run('neg_f32')[N - 1]).toBe(-(N - 1));
      await new Promise((r) => setTimeout(r, 50));
      let samplesWithBusy = 0;
      for (let i = 0; i < 20; i++) {
        if (busyThreads() > 0) samplesWithBusy++;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(samplesWithBusy).toBeLessThan(10);
      expect(run('abs_f32')[N - 1]).toBe(N - 1);
    },
    20_000,
  );
});

describe('thread pool faults', () => {
  it('a kernel that throws in a worker: the call throws the cause, the pool keeps working', async () => {
    setParallelThreshold(0);
    const { pool, run } = await faultyPool('throw');
    pools.push(pool);
    expect(pool.size).toBe(2);
    // Every chunk the worker claims throws; the calling thread's chunks run the real kernel.
    let err: unknown;
    for (let i = 0; i < 20 && !err; i++) {
      try {
        run('neg_f32');
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as Error).message).toMatch(/kernel neg_f32 failed in pool worker 1: injected kernel fault/);
    const y = run('abs_f32');
    expect(Array.from(y.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    expect(y[N - 1]).toBe(N - 1);
    expect(pool.size).toBe(2);
    expect(pool.broken).toBeUndefined();
  }, 20_000);

  it('a worker that exits mid-kernel: the call throws with its exit code, then fresh workers take over', async () => {
    setParallelThreshold(0);
    const { pool, run, started } = await faultyPool('exit');
    pools.push(pool);
    let err: unknown;
    for (let i = 0; i < 50 && !err; i++) {
      try {
        run('neg_f32');
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as Error).message).toMatch(
      /kernel neg_f32 .*did not complete: pool worker 1 worker died: exited with code 7.*restarts its workers/,
    );
    // Meanwhile kernels run on the calling thread, correctly.
    expect(pool.size).toBe(1);
    expect(run('abs_f32')[N - 1]).toBe(N - 1);
    await until(() => pool.size === 2);
    expect(started()).toBe(2);
    const y = run('abs_f32');
    expect(y[N - 1]).toBe(N - 1);
    expect(y.every((v, i) => v === i)).toBe(true);
  }, 20_000);

  it('workers that keep dying: after three restarts the pool reports itself broken and runs on the calling thread', async () => {
    setParallelThreshold(0);
    const { pool, run } = await faultyPool('exit');
    pools.push(pool);
    const errors: string[] = [];
    for (let i = 0; i < 400 && !pool.broken; i++) {
      try {
        run('neg_f32');
      } catch (e) {
        errors.push((e as Error).message);
      }
      if (!pool.broken && pool.size === 1) await until(() => pool.size === 2 || pool.broken !== undefined);
    }
    expect(pool.broken).toMatch(/pool workers failed 4 times \(last: pool worker 1 worker died: exited with code 7\)/);
    expect(errors.at(-1)).toMatch(/runs every kernel on the calling thread/);
    expect(pool.size).toBe(1);
    expect(run('neg_f32')[N - 1]).toBe(-(N - 1));
  }, 30_000);

  it('a worker that hangs mid-kernel: the call throws after the stall timeout instead of waiting for ever', async () => {
    setParallelThreshold(0);
    const { pool, run } = await faultyPool('hang');
    pools.push(pool);
    pool.stallTimeoutMs = 300;
    let err: unknown;
    for (let i = 0; i < 50 && !err; i++) {
      try {
        run('neg_f32');
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as Error).message).toMatch(/kernel neg_f32 .*did not complete: no chunk finished for 300 ms \(a hung pool worker\?\)/);
    expect(run('abs_f32')[N - 1]).toBe(N - 1);
  }, 20_000);
});
