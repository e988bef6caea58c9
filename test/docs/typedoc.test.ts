// `pnpm docs` as CI runs it: typedoc over every package with validation on
// (undocumented exports, broken links, referenced but unexported types) as
// errors must succeed and write the reference, guides included.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { output, repoRoot, run } from '../helpers.js';

describe('API docs', () => {
  it('typedoc validates every package without a warning and writes the reference and guides', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wasmml-docs-'));
    const typedoc = join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const r = await run(process.execPath, [typedoc, '--out', out], { env: { NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(r.code, output(r)).toBe(0);
    expect(`${r.stdout}${r.stderr}`, output(r)).not.toMatch(/\[warning\]|\[error\]/);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const pkg of ['@wasmml/kernels', '@wasmml/tensor', '@wasmml/optimizers', '@wasmml/datasets', '@wasmml/layers', 'wasmml']) {
      expect(index, pkg).toContain(pkg);
    }
    expect(existsSync(join(out, 'documents')), 'guides rendered').toBe(true);
  }, 300_000);
});
