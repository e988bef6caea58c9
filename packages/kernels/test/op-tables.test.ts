// The op tables are the one description of each family: the generated glue
// must be current, and the compiled module must hold exactly the kernels the
// tables name (the tfjs kernel-registry check).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARITHMETIC_TABLE, type BinaryRow, COMPARE_TABLE, LOGICAL_TABLE, UNARY_TABLE, type UnaryRow } from '@wasmml/kernels';

const root = join(import.meta.dirname, '..', '..', '..');
const ROWS = Object.entries(UNARY_TABLE as Record<string, UnaryRow>);
const BINARY_ROWS = [ARITHMETIC_TABLE, COMPARE_TABLE, LOGICAL_TABLE].flatMap((t) => Object.values(t as Record<string, BinaryRow>));
/** The dtype suffixes of a binary row's kernels. */
const binarySuffixes = (r: BinaryRow) => (r.dtypes === 'bool' ? ['u8'] : r.dtypes === 'float' ? ['f32'] : ['f32', 'i32']);

function moduleExports(variant: string): Set<string> {
  const bytes = readFileSync(join(root, 'packages', 'kernels', 'wasm', `${variant}.wasm`));
  return new Set(WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name));
}

describe('op tables', () => {
  it('the generated glue is up to date with the tables', async () => {
    // The generator is a build script (plain .mjs): imported by URL, untyped.
    const gen = await import(pathToFileURL(join(root, 'scripts', 'gen-ops.mjs')).href);
    expect(await gen.generate({ check: true })).toEqual([]);
  });

  // The relaxed builds come from the same sources (Node 20 compiles them only behind a flag).
  for (const variant of ['simd-shared', 'simd-single']) {
    it(`${variant}.wasm exports every unary kernel of the table, and no other`, () => {
      const names = moduleExports(variant);
      const expected = ROWS.flatMap(([, r]) => [`${r.kernel}_f32`, `${r.kernel}_grad_f32`, ...(r.int32 ? [`${r.kernel}_i32`] : [])]);
      for (const name of expected) expect(names.has(name), `${variant} lacks ${name}`).toBe(true);
      // A gradient kernel without a row would be glue written by hand (the fused softmax, recurrent, attention and norm kernels have none).
      const grads = [...names].filter((n) => n.endsWith('_grad_f32') && !/softmax|lstm|gru|attention|^norm_/.test(n));
      const known = new Set(ROWS.map(([, r]) => `${r.kernel}_grad_f32`));
      expect(grads.filter((n) => !known.has(n))).toEqual([]);
    });

    it(`${variant}.wasm exports every binary kernel of the tables, in the dtypes they list and no other`, () => {
      const names = moduleExports(variant);
      for (const r of BINARY_ROWS) {
        for (const dt of ['f32', 'i32', 'u8']) {
          const listed = binarySuffixes(r).includes(dt);
          expect(names.has(`${r.kernel}_${dt}`), `${variant}: ${r.kernel}_${dt} ${listed ? 'missing' : 'not in the table'}`).toBe(listed);
        }
      }
      // A logical kernel without a row would be glue written by hand.
      const known = new Set(BINARY_ROWS.map((r) => `${r.kernel}_u8`));
      expect([...names].filter((n) => n.startsWith('logical_') && !known.has(n))).toEqual([]);
    });
  }
});
