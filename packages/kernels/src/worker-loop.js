// @ts-check
// The body of every pool worker, shared by the Node and Web entries. Plain JS so
// Node can start it straight from src/ as well as from dist/.
// Layout constants mirror src/control.ts; the claiming protocol is described there.
const GEN = 0,
  DONE = 1,
  KERNEL = 2,
  NARGS = 3,
  CHUNKS = 4,
  ERROR = 5,
  HAS_SCRATCH = 6,
  SHUTDOWN = 7,
  PARTICIPANTS = 8,
  DEAD = 9,
  READY = 16,
  SCRATCH = 96,
  RUNNING = 160,
  CLAIM = 256,
  RANGES = 512,
  ARGS_BYTE = 4096,
  ERR_BYTE = 6144,
  ERR_LEN = 2048,
  CLAIMED = -1;
// Spin this long (ms) before sleeping: back-to-back kernels (a training step)
// then skip the cost of a futex wake, yet a busy machine gets the core back
// soon. Bounded by time, not by a count of checks: a count lasts 10x longer
// when the OS is starving this thread (measured: 20,000 checks took 40 us
// alone and 230 us on a loaded machine).
const SPIN_MS = 0.05;

/**
 * Runs every chunk of job `gen` this thread can claim, starting at its own
 * share so threads rarely contend for the same claim word.
 * @param {Int32Array} ctl @param {Float64Array} args @param {Function[]} fns
 * @param {number} tid @param {number} gen @param {(e: unknown) => void} onError
 */
export function runChunks(ctl, args, fns, tid, gen, onError) {
  const chunks = /** @type {number} */ (ctl[CHUNKS]),
    p = Math.max(1, /** @type {number} */ (ctl[PARTICIPANTS]));
  const first = Math.floor((Math.min(tid, p - 1) * chunks) / p);
  let call;
  for (let i = 0; i < chunks; i++) {
    const k = (first + i) % chunks;
    if (Atomics.compareExchange(ctl, CLAIM + k, gen, CLAIMED) !== gen) continue;
    if (!call) {
      const n = /** @type {number} */ (ctl[NARGS]);
      call = new Array(n);
      for (let j = 0; j < n; j++) call[j] = args[j];
      if (ctl[HAS_SCRATCH]) call.push(ctl[SCRATCH + tid]);
      call.push(0, 0);
    }
    call[call.length - 2] = ctl[RANGES + 2 * k];
    call[call.length - 1] = ctl[RANGES + 2 * k + 1];
    // Which chunk this thread holds: if it dies now, the caller knows that
    // chunk will never be counted done and stops waiting for it.
    ctl[RUNNING + tid] = k + 1;
    try {
      /** @type {Function} */ (fns[/** @type {number} */ (ctl[KERNEL])])(...call);
    } catch (e) {
      onError(e);
    }
    ctl[RUNNING + tid] = 0;
    if (Atomics.add(ctl, DONE, 1) === chunks - 1) Atomics.notify(ctl, DONE);
  }
}

/**
 * Records in the control block that worker `tid` is gone (and why, if no
 * kernel error is recorded yet), then wakes the caller, which may be blocked
 * waiting for a chunk this worker will never finish.
 * @param {SharedArrayBuffer} sab @param {number} tid @param {string} reason
 */
export function markDead(sab, tid, reason) {
  const ctl = new Int32Array(sab);
  writeError(sab, tid, `worker died: ${reason}`);
  Atomics.or(ctl, DEAD + (tid >> 5), 1 << (tid & 31));
  Atomics.notify(ctl, DONE);
}

/** The first error of a job wins the message area. @param {SharedArrayBuffer} sab @param {number} tid @param {string} text */
function writeError(sab, tid, text) {
  const ctl = new Int32Array(sab);
  if (Atomics.compareExchange(ctl, ERROR, 0, tid + 1) !== 0) return;
  const msg = new TextEncoder().encode(text);
  const len = Math.min(msg.length, ERR_LEN - 4);
  new DataView(sab, ERR_BYTE).setUint32(0, len, true);
  new Uint8Array(sab, ERR_BYTE + 4, len).set(msg.subarray(0, len));
}

/**
 * @param {{ memory: WebAssembly.Memory, module?: WebAssembly.Module, bytes?: Uint8Array,
 *   ctl: SharedArrayBuffer, tid: number, names: string[] }} init
 */
export function workerLoop(init) {
  try {
    loop(init);
  } catch (e) {
    // Outside any kernel (instantiation, a broken control block): report and die.
    markDead(init.ctl, init.tid, String((e && /** @type {Error} */ (e).message) || e));
    throw e;
  }
}

/** @param {Parameters<typeof workerLoop>[0]} init */
function loop(init) {
  const { memory, ctl: sab, tid, names } = init;
  const module = init.module ?? new WebAssembly.Module(/** @type {BufferSource} */ (init.bytes));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exp = /** @type {Record<string, Function>} */ (/** @type {unknown} */ (instance.exports));
  const fns = names.map((n) => /** @type {Function} */ (exp[n]));
  const ctl = new Int32Array(sab);
  const args = new Float64Array(sab, ARGS_BYTE, 64);
  const onError = (/** @type {unknown} */ e) => writeError(sab, tid, String((e && /** @type {Error} */ (e).message) || e));
  Atomics.store(ctl, READY + tid, 1);
  Atomics.notify(ctl, READY + tid);
  let seen = Atomics.load(ctl, GEN);
  for (;;) {
    let gen = Atomics.load(ctl, GEN);
    if (gen === seen) {
      const end = performance.now() + SPIN_MS;
      for (let i = 1; gen === seen; i++) {
        gen = Atomics.load(ctl, GEN);
        if ((i & 255) === 0 && performance.now() > end) break;
      }
    }
    while (gen === seen) {
      Atomics.wait(ctl, GEN, seen);
      gen = Atomics.load(ctl, GEN);
    }
    seen = gen;
    if (Atomics.load(ctl, SHUTDOWN) !== 0) return;
    runChunks(ctl, args, fns, tid, gen, onError);
  }
}
