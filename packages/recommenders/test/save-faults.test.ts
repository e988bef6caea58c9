// Recommender saves that must not cost the previous model: a process killed
// mid-save, a save that fails half-way, and damaged model files.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { platform } from '@wasmml/platform';
import { killDuringSaves, requireBuilt } from '@wasmml/test-utils/kill';
import { loadRecommender, matrixFactorization, type Recommender } from '@wasmml/recommenders';
import { lowRankRatings } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wasmml-recs-faults-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

const hashOf = (m: Recommender) => createHash('sha256').update(m.toArtifacts().weights).digest('hex');

async function trained(seed: number): Promise<Recommender> {
  const m = matrixFactorization({ numUsers: 30, numItems: 40, factors: 4, seed });
  await m.fit(lowRankRatings(30, 40, 8, seed), { epochs: 2 });
  return m;
}

describe('recommender saves', () => {
  it('a failed save (full disk while writing model.json) leaves the previous model and no new file', async () => {
    const dir = tempDir();
    const old = await trained(1);
    await old.save(dir);
    const before = readdirSync(dir).sort();
    const write = platform.writeFileAtomic.bind(platform);
    vi.spyOn(platform, 'writeFileAtomic').mockImplementation(async (path, data) => {
      if (path.endsWith('model.json'))
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
      return write(path, data);
    });
    const next = await trained(2);
    await expect(next.save(dir)).rejects.toThrow(
      /save: cannot save to .*: ENOSPC: no space left on device.*unchanged and no new file was left behind/,
    );
    vi.restoreAllMocks();
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(hashOf(await loadRecommender(dir))).toBe(hashOf(old));
  });

  it('truncated or hostile model.json: a clear error, nothing read outside the directory', async () => {
    const dir = tempDir();
    await (await trained(1)).save(dir);
    const text = readFileSync(join(dir, 'model.json'), 'utf8');
    writeFileSync(join(dir, 'model.json'), text.slice(0, text.length >> 1));
    await expect(loadRecommender(dir)).rejects.toThrow(/model.json is not valid JSON .*a truncated or partly written file\?/);
    const meta = JSON.parse(text);
    for (const bad of ['../../etc/passwd', '/etc/passwd', '..', 'a\\..\\b', 42]) {
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...meta, weightsFile: bad }));
      await expect(loadRecommender(dir)).rejects.toThrow(/model.json in .* names no valid weights file/);
    }
    writeFileSync(join(dir, 'model.json'), text);
    writeFileSync(join(dir, meta.weightsFile), readFileSync(join(dir, meta.weightsFile)).subarray(0, 100));
    await expect(loadRecommender(dir)).rejects.toThrow(/the weights hold 100 bytes, the metadata expects \d+/);
  });

  const built = requireBuilt(new URL('../dist/index.js', import.meta.url));
  it.runIf(built)(
    'a process killed in the middle of a save leaves the previous model loadable',
    async () => {
      const dir = tempDir();
      const script = new URL('./fixtures/save-loop.mjs', import.meta.url);
      for (const delayMs of [1, 8, 25]) {
        let out = '';
        const last = await killDuringSaves(script, [dir], { minSaves: 1, delayMs, onOutput: (s) => (out += s) });
        const hashes = new Map([...out.matchAll(/saving (\d+) ([0-9a-f]{64})/g)].map((m) => [Number(m[1]), m[2]!]));
        const got = hashOf(await loadRecommender(dir));
        // The last completed save, or the one under way if its model.json rename happened before the kill.
        expect([hashes.get(last), hashes.get(last + 1)]).toContain(got);
      }
    },
    120_000,
  );
});
