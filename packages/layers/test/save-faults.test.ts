// Saves that must not cost the previous model: a process killed mid-save, a
// full disk or a read-only directory; and model files that are damaged or
// hostile (paths outside the model's directory) fail clearly without reading
// anything outside it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { platform } from '@wasmml/platform';
import * as wm from '@wasmml/tensor';
import { killDuringSaves, requireBuilt } from '@wasmml/test-utils/kill';
import { io, layers, loadLayersModel, sequential, type LayersModel } from '@wasmml/layers';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wasmml-save-faults-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

/** A small MLP whose every weight is `value` (so a loaded model tells which save it came from). */
function filled(value: number): LayersModel {
  const m = sequential({ layers: [layers.dense({ units: 16, inputShape: [32] }), layers.dense({ units: 4 })] });
  const v = m.getWeights().map((w) => wm.fill(w.shape, value));
  m.setWeights(v);
  wm.dispose(v);
  return m;
}

/** The single value every weight of the model holds, or NaN if they differ (a mixed model). */
function uniformValue(m: LayersModel): number {
  const all = m.getWeights().flatMap((w) => Array.from(w.dataSync()));
  return all.every((x) => x === all[0]) ? all[0]! : Number.NaN;
}

const errno = (code: string, syscall: string, path: string) =>
  Object.assign(
    new Error(
      `${code}: ${code === 'ENOSPC' ? 'no space left on device' : code === 'EROFS' ? 'read-only file system' : 'permission denied'}, ${syscall} '${path}'`,
    ),
    { code },
  );

describe('a save that fails leaves the previous model and nothing new', () => {
  for (const [what, code, failAt] of [
    ['a full disk at the second shard', 'ENOSPC', 2],
    ['a read-only file system at model.json', 'EROFS', 4],
    ['permission denied at the first shard', 'EACCES', 1],
  ] as const) {
    it(`${what} (${code})`, async () => {
      const dir = tempDir();
      const old = filled(1);
      await old.save(io.fileSystem(dir, { shardSizeBytes: 1024 }));
      const before = readdirSync(dir).sort();
      expect(before.length).toBe(4); // model.json + 3 shards of the 2,384 bytes
      const real = platform.writeFileAtomic.bind(platform);
      let calls = 0;
      vi.spyOn(platform, 'writeFileAtomic').mockImplementation(async (path, data) => {
        if (++calls === failAt) throw errno(code, 'write', path);
        return real(path, data);
      });
      const next = filled(2);
      await expect(next.save(io.fileSystem(dir, { shardSizeBytes: 1024 }))).rejects.toThrow(
        new RegExp(
          `model.save: cannot save to .*model.json: ${code}: .*the model that was there \\(if any\\) is unchanged and no new file was left behind`,
        ),
      );
      expect(calls).toBe(failAt);
      vi.restoreAllMocks();
      expect(readdirSync(dir).sort()).toEqual(before);
      const back = await loadLayersModel(`file://${dir}`);
      expect(uniformValue(back)).toBe(1);
      [old, next, back].forEach((m) => m.dispose());
    });
  }

  it('a directory that cannot be made (a file is in the way) says so', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const m = filled(1);
    await expect(m.save(`file://${join(file, 'model')}`)).rejects.toThrow(
      /model.save: cannot save to .*not-a-dir.*model.json: (ENOTDIR|EEXIST)/,
    );
    m.dispose();
  });

  it('saving again over a model replaces it whole and removes the old shards', async () => {
    const dir = tempDir();
    for (const v of [1, 2, 3]) {
      const m = filled(v);
      await m.save(io.fileSystem(dir, { shardSizeBytes: 1024 }));
      m.dispose();
      const names = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths as string[];
      expect(readdirSync(dir).sort()).toEqual(['model.json', ...names].sort());
      const back = await loadLayersModel(`file://${dir}`);
      expect(uniformValue(back)).toBe(v);
      back.dispose();
    }
  });
});

describe('a process killed in the middle of model.save', () => {
  it('a crash after any file operation of a save (nothing cleaned up) leaves the old model or the new one', async () => {
    // Deterministic: every cut point of the protocol (3 shards, model.json, 3 old-shard deletions).
    for (let cut = 0; cut <= 7; cut++) {
      const dir = tempDir();
      const old = filled(1);
      await old.save(io.fileSystem(dir, { shardSizeBytes: 1024 }));
      let ops = 0;
      const crash = () => {
        if (ops++ === cut) throw new Error('simulated crash');
      };
      const [write, remove] = [platform.writeFileAtomic.bind(platform), platform.remove.bind(platform)];
      vi.spyOn(platform, 'writeFileAtomic').mockImplementation(async (p, d) => (crash(), write(p, d)));
      // A crashed process cleans nothing up: removals after the crash never happen.
      vi.spyOn(platform, 'remove').mockImplementation(async (p) => (ops > cut ? undefined : (crash(), remove(p))));
      const next = filled(2);
      await next.save(io.fileSystem(dir, { shardSizeBytes: 1024 })).catch(() => undefined);
      vi.restoreAllMocks();
      const back = await loadLayersModel(`file://${dir}`);
      expect(uniformValue(back)).toBe(cut < 4 ? 1 : 2);
      [old, next, back].forEach((m) => m.dispose());
    }
  });

  const built = requireBuilt(new URL('../dist/index.js', import.meta.url));
  it.runIf(built)(
    'leaves the previous files intact and loadable, at any moment of the save',
    async () => {
      const dir = tempDir();
      const script = new URL('./fixtures/save-loop.mjs', import.meta.url);
      // Delays spread over a save of ~3 MiB (4 shards): before, between and after the renames.
      for (const delayMs of [2, 10, 30]) {
        const last = await killDuringSaves(script, [dir], { minSaves: 1, delayMs });
        const back = await loadLayersModel(`file://${dir}`);
        const v = uniformValue(back);
        // The save printed last, or the one that completed just before the kill: never a mix (NaN) or an older one.
        expect([last, last + 1]).toContain(v);
        back.dispose();
      }
    },
    120_000,
  );
});

describe('damaged and hostile model files', () => {
  async function saved(): Promise<{ dir: string; json: Record<string, any> }> {
    const dir = tempDir();
    const m = filled(1);
    await m.save(io.fileSystem(dir, { shardSizeBytes: 1024 }));
    m.dispose();
    return { dir, json: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) };
  }
  const rewrite = (dir: string, json: unknown) => writeFileSync(join(dir, 'model.json'), JSON.stringify(json));

  it('weight paths outside the model directory are refused before any file is read', async () => {
    const { dir, json } = await saved();
    const outside = join(dir, '..', 'outside.bin');
    writeFileSync(outside, new Uint8Array(1024));
    const reads: string[] = [];
    const real = platform.readFile.bind(platform);
    vi.spyOn(platform, 'readFile').mockImplementation(async (p) => {
      reads.push(resolve(p));
      return real(p);
    });
    for (const bad of [
      '../outside.bin',
      '../../etc/passwd',
      '/etc/passwd',
      outside,
      'sub/../../outside.bin',
      '..\\outside.bin',
      'C:\\Windows\\win.ini',
    ]) {
      const j = structuredClone(json);
      j.weightsManifest[0].paths[1] = bad;
      rewrite(dir, j);
      await expect(loadLayersModel(`file://${dir}`)).rejects.toThrow(/lists weight file .* outside its directory/);
    }
    for (const bad of [[42], 'weights.bin', [null]]) {
      const j = structuredClone(json);
      j.weightsManifest[0].paths = bad;
      rewrite(dir, j);
      await expect(loadLayersModel(`file://${dir}`)).rejects.toThrow(
        /weightsManifest\[0\] must be \{paths: string\[\], weights: \[\.\.\.\]\}/,
      );
    }
    expect(reads.length).toBeGreaterThan(0);
    for (const p of reads) expect(p.startsWith(`${resolve(dir)}/`)).toBe(true);
  });

  it('a weights file shorter than its manifest (no integrity record, as tfjs writes), truncated JSON, wrong shapes', async () => {
    const { dir, json } = await saved();
    const paths = json.weightsManifest[0].paths as string[];
    const noRecord = structuredClone(json);
    delete noRecord.wasmml;
    rewrite(dir, noRecord);
    truncateSync(join(dir, paths.at(-1)!), 10);
    await expect(loadLayersModel(`file://${dir}`)).rejects.toThrow(/the weights manifest describes 2384 bytes but the weight data has \d+/);

    const again = await saved();
    const text = readFileSync(join(again.dir, 'model.json'), 'utf8');
    for (const cut of [1, 50, text.length >> 1, text.length - 1]) {
      writeFileSync(join(again.dir, 'model.json'), text.slice(0, cut));
      await expect(loadLayersModel(`file://${again.dir}`)).rejects.toThrow(
        /model.json is not valid JSON .*a truncated or partly written file\?/,
      );
    }
    const shapes = structuredClone(again.json);
    shapes.weightsManifest[0].weights[0].shape = [16, 32];
    rewrite(again.dir, shapes);
    await expect(loadLayersModel(`file://${again.dir}`)).rejects.toThrow(
      /weight '.*\/kernel' is saved with shape \[16,32\] but the model's weight has shape \[32,16\]/,
    );
    const huge = structuredClone(again.json);
    huge.weightsManifest[0].weights[0].shape = [1e9, 1e9];
    delete huge.wasmml;
    rewrite(again.dir, huge);
    await expect(loadLayersModel(`file://${again.dir}`)).rejects.toThrow(
      /the weights manifest describes \d+ bytes but the weight data has 2384/,
    );
  });
});
