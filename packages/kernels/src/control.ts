// Layout of the control block shared by the calling thread and the workers
// (an Int32Array over its own SharedArrayBuffer). worker-loop.js mirrors these
// numbers; keep both in step.
//
// A split job is cut into CHUNKS ranges. Each chunk has a claim word that the
// caller opens with the job's generation; whoever swaps it first (calling
// thread or worker) runs the chunk. The caller runs chunks too and, when it
// runs out, takes the ones no worker has claimed yet, so a worker that wakes
// late never delays a job: the caller waits only for chunks already running.
// A worker that dies sets its DEAD bit (from its own exit hook); the caller
// then stops waiting for the chunk that worker's RUNNING word names.
export const CTL = {
  GEN: 0,
  DONE: 1,
  KERNEL: 2,
  NARGS: 3,
  CHUNKS: 4,
  ERROR: 5,
  HAS_SCRATCH: 6,
  SHUTDOWN: 7,
  PARTICIPANTS: 8,
  /** Two words: bit t set once worker t has died (it wrote why into the error area). */
  DEAD: 9,
  READY: 16,
  SCRATCH: 96,
  /** Per thread: 1 + the chunk it is running, 0 between chunks. */
  RUNNING: 160,
  CLAIM: 256,
  RANGES: 512,
  ARGS_BYTE: 4096,
  ERR_BYTE: 6144,
  ERR_LEN: 2048,
  BYTES: 8192,
} as const;

export const MAX_THREADS = 64;
export const MAX_ARGS = 64;
export const MAX_CHUNKS = 256;
/** A claim word's value once a thread has taken its chunk. */
export const CLAIMED = -1;
