// An int8 model saves to a file, loads back and predicts the same bits under
// Deno (from the npm package `deno`), on the built package.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const deno = join(pkg, '..', '..', 'node_modules', '.bin', 'deno');
const built = existsSync(join(pkg, 'dist', 'index.js'));
// Inside the package, so that its node_modules resolve as an install's would.
const file = join(pkg, `.deno-smoke-${process.pid}.mjs`);
afterAll(() => rmSync(file, { force: true }));

const script = `
import * as wm from '@wasmml/tensor';
import { layers, sequential } from '@wasmml/layers';
import { quantizeModel, saveCompressed, loadCompressed } from './dist/index.js';
const model = sequential({ layers: [
  layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
  layers.flatten(),
  layers.dense({ units: 3, activation: 'softmax' }),
] });
const x = wm.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 1);
const q = await quantizeModel(model, { calibrationData: x });
const path = Deno.makeTempDirSync() + '/m.wmlc';
const bytes = await saveCompressed(q, path);
const back = await loadCompressed(path);
const a = q.predict(x).dataSync(), b = back.predict(x).dataSync();
console.log(JSON.stringify({ runtime: 'Deno' in globalThis ? 'deno' : 'other', bytes, same: a.every((v, i) => v === b[i]), sum: a.reduce((s, v) => s + v, 0) }));
`;

// Locally a missing build or Deno skips; in CI (CI=1) it must run.
describe.skipIf(!process.env.CI && (!built || !existsSync(deno)))('compression under Deno', () => {
  it('saves, loads and predicts an int8 model', () => {
    writeFileSync(file, script);
    const out = execFileSync(deno, ['run', '-A', file], { cwd: pkg, timeout: 120_000, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.runtime).toBe('deno');
    expect(r.same).toBe(true);
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.sum).toBeCloseTo(16, 3); // 16 softmax rows
  }, 150_000);
});
