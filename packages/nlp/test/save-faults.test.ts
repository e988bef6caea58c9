// pipeline.save must not cost the previous file: a process killed mid-save
// leaves the old JSON or the new one, a failed save says why and leaves no
// temporary file, a truncated file fails to load with a clear error.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killDuringSaves, requireBuilt } from '@wasmml/test-utils/kill';
import { TextClassificationPipeline } from '@wasmml/nlp';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wasmml-nlp-faults-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The single value every weight holds, or NaN if they differ. */
function uniformValue(p: TextClassificationPipeline): number {
  const all = p.model.namedWeights.flatMap((w) => Array.from(w.variable.dataSync()));
  return all.every((x) => x === all[0]) ? all[0]! : Number.NaN;
}

async function small(): Promise<TextClassificationPipeline> {
  const p = new TextClassificationPipeline({ classifier: { encoder: 'bag-of-embeddings', embeddingDim: 4, units: 3, numClasses: 2 } });
  await p.adapt(['one two three', 'two three four']);
  return p;
}

describe('TextClassificationPipeline.save faults', () => {
  it('a save that cannot complete (a directory in the way) says why and leaves the directory as it was', async () => {
    const dir = tempDir();
    const target = join(dir, 'pipeline.json');
    mkdirSync(target);
    const p = await small();
    await expect(p.save(target)).rejects.toThrow(
      /TextClassificationPipeline.save: cannot write .*pipeline.json: .*(EISDIR|ENOTEMPTY|EEXIST|illegal operation on a directory).*unchanged/,
    );
    expect(readdirSync(dir)).toEqual(['pipeline.json']);
    p.dispose();
  });

  it('a truncated file fails to load with an error naming it', async () => {
    const path = join(tempDir(), 'p.json');
    const p = await small();
    await p.save(path);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length >> 1));
    await expect(TextClassificationPipeline.load(path)).rejects.toThrow(
      /TextClassificationPipeline.load: .*p.json is not valid JSON .*a truncated or partly written file\?/,
    );
    p.dispose();
  });

  const built = requireBuilt(new URL('../dist/index.js', import.meta.url));
  it.runIf(built)(
    'a process killed in the middle of a save leaves the previous file loadable',
    async () => {
      const dir = tempDir();
      const path = join(dir, 'pipeline.json');
      const script = new URL('./fixtures/save-loop.mjs', import.meta.url);
      for (const delayMs of [1, 8, 25]) {
        const last = await killDuringSaves(script, [path], { minSaves: 1, delayMs });
        const p = await TextClassificationPipeline.load(path);
        expect([last, last + 1]).toContain(uniformValue(p));
        p.dispose();
      }
    },
    120_000,
  );
});
