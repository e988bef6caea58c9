import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, fromCsv } from '@wasmml/datasets';
import { serve, take, tempDir } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('fromCsv', () => {
  it('parses numbers, text, quotes with commas and newlines, and CRLF', async () => {
    const text = 'id,name,score\r\n1,"Smith, J",3.5\r\n2,"multi\r\nline ""quoted""",-1\r\n3,plain,\r\n';
    const rows = await fromCsv(enc(text)).toArray();
    expect(rows).toEqual([
      { id: 1, name: 'Smith, J', score: 3.5 },
      { id: 2, name: 'multi\r\nline "quoted"', score: -1 },
      { id: 3, name: 'plain', score: undefined },
    ]);
  });

  it('follows tfjs column configs: labels, dtypes, defaults, configuredColumnsOnly', async () => {
    const text = 'a,b,flag,label\n1,x,true,0\n2,,0,1\n';
    const ds = fromCsv(enc(text), {
      columnConfigs: { label: { isLabel: true }, b: { default: 'none' }, flag: { dtype: 'bool' }, a: { dtype: 'int32' } },
    });
    expect(await ds.toArray()).toEqual([
      { xs: { a: 1, b: 'x', flag: true }, ys: { label: 0 } },
      { xs: { a: 2, b: 'none', flag: false }, ys: { label: 1 } },
    ]);
    const only = fromCsv(enc(text), { columnConfigs: { a: {}, label: { isLabel: true } }, configuredColumnsOnly: true });
    const batch = (await only.batch(2).toArray())[0] as { xs: { a: unknown }; ys: { label: unknown } };
    expect(take(batch.xs.a)).toEqual({ values: [1, 2], shape: [2], dtype: 'float32' });
    expect(take(batch.ys.label)).toEqual({ values: [0, 1], shape: [2], dtype: 'float32' });
    const named = fromCsv(enc('1;2\n3;4\n'), { hasHeader: false, columnNames: ['p', 'q'], delimiter: ';' });
    expect(await named.toArray()).toEqual([
      { p: 1, q: 2 },
      { p: 3, q: 4 },
    ]);
  });

  it('reports malformed rows with the file and line', async () => {
    const path = join(tmp.dir, 'bad.csv');
    writeFileSync(path, 'a,b\n1,2\n3,4\n5\n6,7\n');
    const err = await fromCsv(path)
      .toArray()
      .catch((e) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect(err.message).toBe(`${path}, line 4: expected 2 fields (a, b), found 1`);
    expect(err.line).toBe(4);
    const quoted = join(tmp.dir, 'quote.csv');
    writeFileSync(quoted, 'a,b\n1,"x\n2,"unterminated\n');
    await expect(fromCsv(quoted).toArray()).rejects.toThrow(new RegExp(`${quoted}, line \\d+: `));
    await expect(fromCsv(enc('a\nyes\n'), { columnConfigs: { a: { dtype: 'bool' } } }).toArray()).rejects.toThrow(
      'csv, line 2: column "a": "yes" is not a boolean',
    );
    await expect(fromCsv(enc('a\n\n'), { columnConfigs: { a: { required: true } } }).toArray()).resolves.toEqual([]);
    await expect(fromCsv(enc('a,b\n1,\n'), { columnConfigs: { b: { required: true } } }).toArray()).rejects.toThrow(
      /line 2: required column "b" is empty/,
    );
    await expect(fromCsv(enc('a\n1\n'), { columnConfigs: { z: {} } }).toArray()).rejects.toThrow(/"z", which is not a column/);
    await expect(fromCsv(join(tmp.dir, 'missing.csv')).toArray()).rejects.toThrow(/missing\.csv: no such file/);
  });

  it('streams large files across chunk boundaries, gzip included, with correct line numbers', async () => {
    const lines = ['i,text,v'];
    for (let i = 0; i < 30000; i++) lines.push(i % 1000 === 7 ? `${i},"a,b\nc",${i * 0.5}` : `${i},row${i},${i * 0.5}`);
    const text = `${lines.join('\n')}\n`;
    const gz = join(tmp.dir, 'big.csv.gz');
    writeFileSync(gz, gzipSync(Buffer.from(text)));
    let n = 0;
    let sum = 0;
    for await (const r of fromCsv(gz)) {
      const row = r as { i: number; text: string; v: number };
      expect(row.i).toBe(n);
      sum += row.v;
      if (n % 1000 === 7) expect(row.text).toBe('a,b\nc');
      n++;
    }
    expect(n).toBe(30000);
    expect(sum).toBe((29999 * 30000) / 4);
    // A bad row near the end: its line counts the 30 embedded newlines above it.
    const broken = text.replace('29990,row29990,14995\n', '29990,row29990\n');
    const err = await fromCsv(enc(broken))
      .toArray()
      .catch((e) => e);
    expect(err.message).toMatch(/^csv, line 30022: expected 3 fields/);
  });

  it('reads from a URL (downloaded to the cache)', async () => {
    const server = await serve({ '/d.csv': { body: enc('x,y\n1,2\n') } });
    try {
      const rows = await fromCsv(`${server.url}/d.csv`, { download: { cacheDir: tmp.dir } }).toArray();
      expect(rows).toEqual([{ x: 1, y: 2 }]);
    } finally {
      await server.close();
    }
  });
});
