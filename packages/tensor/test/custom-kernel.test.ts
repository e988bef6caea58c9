// The custom-kernel entry, on a kernel every module has (cast_i32_f32: x, y,
// start, end): outputs, in-place updates, scratch blocks and parameter tables,
// and the checks that run before anything is allocated or written. The
// recommenders' fused kernels are its real users (packages/recommenders/test/kernels).
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';

const ints = (n: number) => Int32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) - 500);

describe('runKernel', () => {
  it('writes an output tensor that matches the op built on the same kernel, and returns it', () => {
    const x = wm.tensor(ints(1003), [17, 59], 'int32');
    const [y] = wm.runKernel('cast_i32_f32', { x, y: { output: x.shape } }, { items: x.size });
    const want = wm.cast(x, 'float32');
    expect(y!.shape).toEqual([17, 59]);
    expect(y!.dtype).toBe('float32');
    expect(y!.dataSync()).toEqual(want.dataSync());
    wm.dispose([x, y!, want]);
  });

  it('updates a variable in place, leaving a clone made before with the old value', () => {
    const v = wm.variable(wm.zeros([40]));
    const before = v.clone();
    const x = wm.tensor(ints(40), [40], 'int32');
    expect(wm.runKernel('cast_i32_f32', { x, y: { update: v } }, { items: 40 })).toEqual([]);
    expect(Array.from(v.dataSync())).toEqual(Array.from(ints(40)));
    expect(before.dataSync()).toEqual(new Float32Array(40));
    wm.dispose([v, before, x]);
  });

  it('passes scratch blocks, which read back what the kernel wrote', () => {
    const src = wm.kernelScratch(ints(9));
    const dst = wm.kernelScratch(9 * 4);
    expect(dst.read('float32')).toEqual(new Float32Array(9));
    wm.runKernel('cast_i32_f32', { x: src, y: dst }, { items: 9 });
    expect(Array.from(dst.read('float32'))).toEqual(Array.from(ints(9)));
    expect(Array.from(dst.read('float32', 2, 3))).toEqual(Array.from(ints(9).subarray(2, 5)));
    const bytes = wm.memory().numBytes;
    src.dispose();
    dst.dispose();
    expect(wm.memory().numBytes).toBe(bytes - 72);
    expect(() => wm.runKernel('cast_i32_f32', { x: src, y: { output: [9] } }, { items: 9 })).toThrow(
      /runKernel\(cast_i32_f32\): argument 'x' is a disposed KernelScratch/,
    );
  });

  it('resolves a parameter table into current addresses, ints and float bits', () => {
    // A table read back through the kernel: cast_i32_f32 over the table's own words.
    const x = wm.tensor([1, 2, 3], [3], 'int32');
    const table: wm.TableWord[] = [x, 42, { f32: 1.5 }, undefined];
    const out = wm.kernelScratch(16);
    const t = wm.kernelScratch(16);
    // First the table is written as a kernel argument, then its words are cast like data.
    wm.runKernel('cast_i32_f32', { x: { table }, y: out }, { items: 4 });
    const words = out.read('float32');
    expect(words[0]).toBeGreaterThan(0); // x's address
    expect(words[1]).toBe(42);
    expect(words[2]).toBe(new Int32Array(Float32Array.of(1.5).buffer)[0]);
    expect(words[3]).toBe(0);
    x.dispose();
    expect(() => wm.runKernel('cast_i32_f32', { x: { table, names: ['P', 'k', 'lr', 'none'] }, y: t }, { items: 4 })).toThrow(
      /argument 'x' word P: tensor \d+ \(shape \[3\], int32\) is disposed/,
    );
    out.dispose();
    t.dispose();
  });

  it('checks everything before allocating: disposed tensors, unknown kernels and bad arguments name the kernel', () => {
    const x = wm.tensor([1, 2], [2], 'int32');
    x.dispose();
    const n = wm.memory().numTensors;
    expect(() => wm.runKernel('cast_i32_f32', { x, y: { output: [2] } }, { items: 2 })).toThrow(
      /runKernel\(cast_i32_f32\): argument 'x': tensor \d+ \(shape \[2\], int32\) is disposed/,
    );
    expect(wm.memory().numTensors).toBe(n);
    const live = wm.tensor([1, 2], [2], 'int32');
    expect(wm.hasKernel('cast_i32_f32')).toBe(true);
    expect(wm.hasKernel('mypkg_missing_f32')).toBe(false);
    expect(() => wm.runKernel('mypkg_missing_f32', { live, y: { output: [2] } }, { items: 2 })).toThrow(
      /runKernel\(mypkg_missing_f32\): the loaded kernel module has no kernel 'mypkg_missing_f32'/,
    );
    expect(wm.memory().numTensors).toBe(n + 1);
    expect(() => wm.runKernel('cast_i32_f32', { live, y: 'out' as never }, { items: 2 })).toThrow(/argument 'y' is string/);
    expect(() => wm.runKernel('cast_i32_f32', { live, y: { update: live as never } }, { items: 2 })).toThrow(/takes a Variable/);
    expect(() => wm.runKernel('cast_i32_f32', { live, y: { output: [2] } }, { items: -1 })).toThrow(/items = -1/);
    expect(() => wm.runKernel('cast_i32_f32', { live, y: Number.NaN }, { items: 2 })).toThrow(/argument 'y' = NaN/);
    expect(wm.memory().numTensors).toBe(n + 1);
    live.dispose();
  });
});
