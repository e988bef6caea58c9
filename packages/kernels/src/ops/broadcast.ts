// NumPy / tfjs broadcasting for the element-wise kernels: the output shape of
// several inputs, and the collapsed layout the kernels walk (assembly/broadcast.ts):
// sizes innermost first, per-input element strides with 0 on broadcast dims,
// adjacent dims merged wherever every input steps through them the same way.
import { runtime } from '../runtime.js';

/** Dims the broadcasting kernels take; a layout with more is split by the wrapper. */
export const KERNEL_RANK = 6;

function isShape(shape: readonly number[]): boolean {
  if (!Array.isArray(shape)) return false;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!(Number.isInteger(d) && d >= 0)) return false;
  }
  return true;
}

function checkShape(what: string, shape: readonly number[]): void {
  if (!isShape(shape)) throw new Error(`${what} shape [${shape}] must be an array of non-negative integers`);
}

/**
 * The shape all `shapes` broadcast to (right-aligned; each dim equal or 1), as
 * tfjs `broadcastTo` / NumPy. Throws naming both shapes when they do not fit.
 */
export function broadcastShapes(...shapes: ReadonlyArray<readonly number[]>): number[] {
  return broadcastNamed(
    'wasmml broadcastShapes',
    shapes,
    shapes.map(() => ''),
  );
}

function broadcastNamed(what: string, shapes: ReadonlyArray<readonly number[]>, names: readonly string[]): number[] {
  shapes.forEach((s, i) => checkShape(`${what}: ${names[i] || `input ${i}`}`, s));
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let k = 1; k <= s.length; k++) {
      const d = s[s.length - k]!,
        o = out[rank - k]!;
      if (d === o || d === 1) continue;
      if (o !== 1) {
        const list = shapes.map((x, i) => `${names[i] ? `${names[i]} ` : ''}[${x}]`).join(' and ');
        throw new Error(`${what}: shapes ${list} are not broadcast-compatible (dim -${k} is ${o} vs ${d}; sizes must be equal or 1)`);
      }
      out[rank - k] = d;
    }
  }
  return out;
}

/** A collapsed broadcast: sizes innermost first, and per input its element strides. */
export interface BroadcastLayout {
  sizes: number[];
  strides: number[][];
}

/** Collapses `shapes` broadcast to `outShape` (already checked) into the fewest dims. */
export function broadcastLayout(outShape: readonly number[], shapes: ReadonlyArray<readonly number[]>): BroadcastLayout {
  const rank = outShape.length,
    m = shapes.length;
  const sizes: number[] = [];
  const strides: number[][] = [];
  const step = new Array<number>(m).fill(1);
  const st = new Array<number>(m);
  for (let i = 0; i < m; i++) strides.push([]);
  for (let k = 1; k <= rank; k++) {
    const n = outShape[rank - k]!;
    // This dim's stride in every input: 0 where it is broadcast (or absent).
    for (let i = 0; i < m; i++) {
      const s = shapes[i]!,
        d = k <= s.length ? s[s.length - k]! : 1;
      st[i] = d === 1 ? 0 : step[i]!;
      step[i]! *= d;
    }
    if (n === 1) continue;
    const last = sizes.length - 1;
    let merge = last >= 0;
    for (let i = 0; merge && i < m; i++) merge = st[i] === strides[i]![last]! * sizes[last]!;
    if (merge) {
      sizes[last]! *= n;
    } else {
      sizes.push(n);
      for (let i = 0; i < m; i++) strides[i]!.push(st[i]!);
    }
  }
  return { sizes, strides };
}

/** Checks the shapes of a broadcasting op and returns the element count of the output. */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether every input already has the output's shape (the common, fast case). */
export function allSameShape(outShape: readonly number[], shapes: ReadonlyArray<readonly number[]>): boolean {
  for (const s of shapes) if (!sameShape(s, outShape)) return false;
  return isShape(outShape);
}

export function checkBroadcast(
  what: string,
  outShape: readonly number[],
  shapes: ReadonlyArray<readonly number[]>,
  names: readonly string[],
): number {
  checkShape(`${what}: output`, outShape);
  let ok = true,
    rank = 0;
  for (let i = 0; ok && i < shapes.length; i++) {
    const s = shapes[i]!;
    ok = isShape(s);
    rank = Math.max(rank, ok ? s.length : 0);
  }
  ok &&= rank === outShape.length;
  for (let k = 1; ok && k <= rank; k++) {
    const o = outShape[rank - k]!;
    let produced = o === 1;
    for (let i = 0; ok && i < shapes.length; i++) {
      const s = shapes[i]!,
        d = k <= s.length ? s[s.length - k]! : 1;
      ok = d === o || d === 1;
      produced ||= d === o;
    }
    ok &&= produced;
  }
  if (!ok) {
    // The slow path names what is wrong.
    const expected = broadcastNamed(what, shapes, names);
    throw new Error(
      `${what}: output shape [${outShape}] should be [${expected}], the broadcast of ` +
        shapes.map((s, i) => `${names[i]} [${s}]`).join(', '),
    );
  }
  let n = 1;
  for (let k = 0; k < outShape.length; k++) n *= outShape[k]!;
  return n;
}

/** Throws unless p looks like an arena address (a positive integer). */
export function checkAddress(what: string, name: string, p: number): void {
  if (!Number.isInteger(p) || p <= 0) throw new Error(`${what}: ${name} must be an arena address, got ${p}`);
}

/**
 * Checks and runs a broadcasting op's kernel: the shapes (inputs `names`,
 * `shapes`, to `outShape`) and addresses, then the kernel over the output,
 * straight when every input has the output's shape (the common case, without
 * building a layout), else over the collapsed broadcast layout.
 */
export function runBroadcastOp(
  what: string,
  kernel: string,
  names: readonly string[],
  addrs: readonly number[],
  shapes: ReadonlyArray<readonly number[]>,
  out: number,
  outShape: readonly number[],
  inBytes: readonly number[],
  outBytes: number,
  cost: number,
): void {
  const flat = allSameShape(outShape, shapes);
  let n = 1;
  if (flat) for (const d of outShape) n *= d;
  else n = checkBroadcast(what, outShape, shapes, names);
  if (n === 0) return;
  for (let i = 0; i < addrs.length; i++) checkAddress(what, names[i]!, addrs[i]!);
  checkAddress(what, 'out', out);
  if (flat) runFlat(kernel, addrs, out, n, cost);
  else runBroadcast({ kernel, addrs, inBytes, out, outBytes, cost }, broadcastLayout(outShape, shapes));
}

/**
 * Runs a broadcasting kernel over contiguous same-shape inputs of n elements:
 * one dim of n, unit strides — without building a layout (per-op dispatch cost).
 */
export function runFlat(kernel: string, addrs: readonly number[], out: number, n: number, cost: number): void {
  const args: number[] = [...addrs, out, n, 1, 1, 1, 1];
  for (let i = 0; i < addrs.length; i++) args.push(1, 0, 0, 0, 0, 0);
  runtime().pool.run(kernel, args, n, { cost });
}

/** A broadcasting kernel's launch: input addresses and element sizes, the output's, and the cost per element. */
interface Launch {
  kernel: string;
  addrs: readonly number[];
  inBytes: readonly number[];
  out: number;
  outBytes: number;
  cost: number;
}

/**
 * Runs a broadcasting kernel: args are the addresses (inputs..., out), then the
 * sizes of all but the outermost of KERNEL_RANK dims and each input's strides
 * padded to KERNEL_RANK dims. Layouts deeper than that loop over their outer
 * dims here, one pool job per inner block.
 */
export function runBroadcast(l: Launch, layout: BroadcastLayout): void {
  if (runWidened(l, layout)) return;
  const { kernel, addrs, inBytes, out, outBytes, cost } = l;
  const { sizes, strides } = layout;
  const m = addrs.length,
    rank = sizes.length,
    inner = Math.min(rank, KERNEL_RANK);
  const args: number[] = [...addrs, out];
  let items = 1;
  for (let d = 0; d < KERNEL_RANK; d++) {
    // The kernels take sizes s0..s4: the outermost one is implied by the item count.
    if (d < KERNEL_RANK - 1) args.push(d < inner ? sizes[d]! : 1);
    if (d < inner) items *= sizes[d]!;
  }
  for (let i = 0; i < m; i++) for (let d = 0; d < KERNEL_RANK; d++) args.push(d < inner ? strides[i]![d]! : 0);
  const pool = runtime().pool;
  if (rank <= KERNEL_RANK) {
    pool.run(kernel, args, items, { cost });
    return;
  }
  // Dims beyond the kernel's: one job per index of theirs, in output order.
  const idx = new Array<number>(rank - KERNEL_RANK).fill(0);
  for (let block = 0; ; block++) {
    for (let i = 0; i < m; i++) {
      let off = 0;
      for (let k = 0; k < idx.length; k++) off += idx[k]! * strides[i]![KERNEL_RANK + k]!;
      args[i] = addrs[i]! + inBytes[i]! * off;
    }
    args[m] = out + block * items * outBytes;
    pool.run(kernel, args, items, { cost });
    let k = 0;
    while (k < idx.length && ++idx[k]! === sizes[KERNEL_RANK + k]) idx[k++] = 0;
    if (k === idx.length) break;
  }
}

// Rows shorter than SHORT_ROW elements are widened to at least WIDE_ROW.
const SHORT_ROW = 16;
const WIDE_ROW = 32;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * [rows, c] op [c] with a short c (per-channel ops on NHWC data, c = 3) walks
 * rows of c elements and pays a row's overhead every few elements. When every
 * input is either contiguous or that repeated row, the repeated rows are
 * copied k times into a small block so the kernel sees rows of k·c (a
 * multiple of 4, >= WIDE_ROW); the rows % k left over run as they were.
 * Returns false (doing nothing) when the layout is not of that kind.
 */
function runWidened(l: Launch, layout: BroadcastLayout): boolean {
  const { addrs, inBytes, out, outBytes } = l;
  const { sizes, strides } = layout;
  if (sizes.length !== 2 || sizes[0]! >= SHORT_ROW) return false;
  const c = sizes[0]!,
    rows = sizes[1]!;
  const repeated = strides.map((st) => st[0] === 1 && st[1] === 0);
  if (!repeated.includes(true) || !strides.every((st, i) => repeated[i] || (st[0] === 1 && st[1] === c))) return false;
  const unit = (c * 4) / gcd(c, 4);
  const width = unit * Math.ceil(WIDE_ROW / unit),
    k = width / c;
  const wideRows = Math.floor(rows / k);
  if (wideRows < 2) return false;
  const { arena, memory } = runtime();
  const temps = addrs.map((_, i) => (repeated[i] ? arena.alloc(width * inBytes[i]!) : 0));
  try {
    const bytes = new Uint8Array(memory.buffer);
    temps.forEach((t, i) => {
      const rowBytes = c * inBytes[i]!;
      for (let j = 0; t !== 0 && j < k; j++) bytes.copyWithin(t + j * rowBytes, addrs[i]!, addrs[i]! + rowBytes);
    });
    runBroadcast(
      { ...l, addrs: addrs.map((a, i) => temps[i] || a) },
      { sizes: [width, wideRows], strides: repeated.map((r) => (r ? [1, 0] : [1, width])) },
    );
  } finally {
    for (const t of temps) if (t !== 0) arena.free(t);
  }
  const done = wideRows * k;
  if (done < rows) {
    const rest = addrs.map((a, i) => (repeated[i] ? a : a + done * c * inBytes[i]!));
    runBroadcast({ ...l, addrs: rest, out: out + done * c * outBytes }, { sizes: [c, rows - done], strides });
  }
  return true;
}
