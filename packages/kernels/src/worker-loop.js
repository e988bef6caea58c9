// @ts-check
// The body of every pool worker, shared by the Node and Web entries. Plain JS so
// Node can start it straight from src/ as well as from dist/.
// Layout constants mirror src/control.ts.
const GEN = 0, PENDING = 1, KERNEL = 2, NARGS = 3, PARTICIPANTS = 4, ERROR = 5,
  HAS_SCRATCH = 6, SHUTDOWN = 7, READY = 16, RANGES = 128, ARGS_BYTE = 2048, ERR_BYTE = 4096,
  ERR_LEN = 4096;
// Spin this many checks before sleeping: back-to-back kernels (a training
// step) then avoid the cost of a futex wake.
const SPIN = 20000;

/**
 * @param {{ memory: WebAssembly.Memory, module?: WebAssembly.Module, bytes?: Uint8Array,
 *   ctl: SharedArrayBuffer, tid: number, names: string[] }} init
 */
export function workerLoop(init) {
  const { memory, ctl: sab, tid, names } = init;
  const module = init.module ?? new WebAssembly.Module(/** @type {BufferSource} */ (init.bytes));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exp = /** @type {Record<string, Function>} */ (/** @type {unknown} */ (instance.exports));
  const fns = names.map((n) => exp[n]);
  const ctl = new Int32Array(sab);
  const args = new Float64Array(sab, ARGS_BYTE, 64);
  const errBytes = new Uint8Array(sab, ERR_BYTE, ERR_LEN);
  Atomics.store(ctl, READY + tid, 1);
  Atomics.notify(ctl, READY + tid);
  let seen = Atomics.load(ctl, GEN);
  for (;;) {
    let gen = Atomics.load(ctl, GEN);
    for (let i = 0; gen === seen && i < SPIN; i++) gen = Atomics.load(ctl, GEN);
    while (gen === seen) {
      Atomics.wait(ctl, GEN, seen);
      gen = Atomics.load(ctl, GEN);
    }
    seen = gen;
    if (Atomics.load(ctl, SHUTDOWN) !== 0) return;
    if (tid >= Atomics.load(ctl, PARTICIPANTS)) continue;
    const r = RANGES + tid * 3;
    const start = ctl[r], end = ctl[r + 1];
    if (end > start) {
      try {
        const n = ctl[NARGS];
        const call = new Array(n);
        for (let i = 0; i < n; i++) call[i] = args[i];
        if (ctl[HAS_SCRATCH]) call.push(ctl[r + 2]);
        call.push(start, end);
        fns[ctl[KERNEL]](...call);
      } catch (e) {
        if (Atomics.compareExchange(ctl, ERROR, 0, tid + 1) === 0) {
          const msg = new TextEncoder().encode(String(e && /** @type {Error} */ (e).message || e));
          const len = Math.min(msg.length, ERR_LEN - 4);
          new DataView(sab, ERR_BYTE).setUint32(0, len, true);
          errBytes.set(msg.subarray(0, len), 4);
        }
      }
    }
    if (Atomics.sub(ctl, PENDING, 1) === 1) Atomics.notify(ctl, PENDING);
  }
}
