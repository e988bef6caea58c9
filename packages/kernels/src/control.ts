// Layout of the control block shared by the calling thread and the workers
// (an Int32Array over its own SharedArrayBuffer). worker-loop.js mirrors these
// numbers; keep both in step.
export const CTL = {
  GEN: 0,
  PENDING: 1,
  KERNEL: 2,
  NARGS: 3,
  PARTICIPANTS: 4,
  ERROR: 5,
  HAS_SCRATCH: 6,
  SHUTDOWN: 7,
  READY: 16,
  RANGES: 128,
  ARGS_BYTE: 2048,
  ERR_BYTE: 4096,
  BYTES: 8192,
} as const;

export const MAX_THREADS = 64;
export const MAX_ARGS = 64;
