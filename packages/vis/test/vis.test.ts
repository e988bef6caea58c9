// Charts as a user makes them after training: the history of a real fit, the
// confusion matrix of its predictions and a grid of test digits with their
// predicted labels, written as SVG and PNG files; the SVG holds the marks and
// texts the data says it must, the PNG is a real image of the chart's size.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { loadMnist } from '@wasmml/datasets';
import { layers, sequential } from '@wasmml/layers';
import { confusionMatrixChart, historyChart, historyToRows, imageGrid, saveChart, toPNG, toSVG } from '@wasmml/vis';

const dir = mkdtempSync(join(tmpdir(), 'wasmml-vis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const v = new DataView(png.buffer, png.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
}

describe('@wasmml/vis', () => {
  it('history, confusion matrix and image grid of an MNIST model, as SVG and PNG files', async () => {
    const digits = await loadMnist({ source: 'embedded' });
    const ids = Array.from({ length: 600 }, (_, i) => (i * 7919) % digits.count);
    const part = digits.subset(ids);
    const xs = wm.tensor(
      Float32Array.from(part.images, (v) => v / 255),
      [part.count, 784],
    );
    const ys = wm.tensor(Float32Array.from(part.labels), [part.count]);
    const model = sequential({
      layers: [layers.dense({ units: 32, activation: 'relu', inputShape: [784] }), layers.dense({ units: 10, activation: 'softmax' })],
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xs, ys, { epochs: 3, batchSize: 32, validationSplit: 0.2, verbose: 0 });

    const rows = historyToRows(history);
    expect(rows).toHaveLength(3 * 4);
    expect(rows.filter((r) => r.metric === 'accuracy' && r.split === 'validation').map((r) => r.value)).toEqual(history.history.val_acc);
    const svg = await toSVG(historyChart(history));
    expect(svg.startsWith('<svg')).toBe(true);
    // One line per split in each of the two panels, with a point per epoch.
    expect(svg.match(/mark-line/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    for (const t of ['accuracy', 'loss', 'validation', 'training', 'epoch']) expect(svg, t).toContain(`>${t}<`);

    const probs = model.predict(xs) as wm.Tensor;
    const pred = Array.from(wm.argMax(probs, 1).dataSync());
    const cm = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    part.labels.forEach((y, i) => cm[y]![pred[i]!]!++);
    const cmSvg = await toSVG(confusionMatrixChart(cm, { classNames: digits.classNames.map(String) }));
    // Every non-zero count is written in its cell.
    for (const row of cm) for (const n of row) if (n > 0) expect(cmSvg).toContain(`>${n}<`);
    expect(() => confusionMatrixChart([[1, 2], [3]])).toThrow(/row 1 has 1 values for 2 classes/);

    const first = wm.reshape(wm.slice(xs, [0, 0], [10, 784]), [10, 28, 28]);
    const grid = imageGrid(first, {
      labels: pred.slice(0, 10),
      trueLabels: Array.from(part.labels.slice(0, 10)),
      columns: 5,
      pixelSize: 2,
    });
    const gridPng = await toPNG(grid, { scale: 1 });
    const [w, h] = pngSize(gridPng);
    expect(w).toBeGreaterThanOrEqual(5 * 56);
    expect(h).toBeGreaterThanOrEqual(2 * 56);
    const gridSvg = await toSVG(grid);
    expect(gridSvg).toContain(`>1: ${pred[0]}${pred[0] === part.labels[0] ? '' : ` (true ${part.labels[0]})`}<`);

    const svgFile = await saveChart(historyChart(history, { title: 'MNIST MLP' }), join(dir, 'charts', 'history.svg'));
    expect(readFileSync(svgFile, 'utf8')).toContain('MNIST MLP');
    const pngFile = await saveChart(confusionMatrixChart(cm), join(dir, 'charts', 'confusion.png'), { scale: 2 });
    const [pw, ph] = pngSize(new Uint8Array(readFileSync(pngFile)));
    expect(pw).toBeGreaterThan(2 * 400);
    expect(ph).toBeGreaterThan(2 * 400);
    await expect(saveChart(grid, join(dir, 'x.jpg'))).rejects.toThrow(/must end in \.svg or \.png/);
    wm.dispose([xs, ys, probs, first]);
    model.dispose();
  });
});

describe('@wasmml/vis under Deno', () => {
  it('writes the same SVG and a PNG of the chart (the built package, as a Deno user imports it)', async () => {
    const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
    const deno = join(pkg, '..', '..', 'node_modules', '.bin', 'deno');
    const built = join(pkg, 'dist', 'index.js');
    if (!existsSync(deno) || !existsSync(built)) {
      // CI builds first and installs deno (a root devDependency): there this must run.
      if (process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false') throw new Error(`deno or ${built} is missing under CI`);
      console.warn('skipping: deno or the built @wasmml/vis is missing (pnpm build)');
      return;
    }
    const h = { epoch: [0, 1], history: { loss: [0.9, 0.5], val_loss: [1, 0.7] } };
    // Inside the checkout (.tmp/ is ignored by git), where Deno finds the packages' node_modules and package.json.
    const scratch = join(pkg, '..', '..', '.tmp', 'vis-deno');
    mkdirSync(scratch, { recursive: true });
    const script = join(scratch, 'deno-chart.mjs');
    writeFileSync(
      script,
      `import { historyChart, saveChart, toSVG } from ${JSON.stringify(pathToFileURL(built).href)};
const h = ${JSON.stringify(h)};
await saveChart(historyChart(h), ${JSON.stringify(join(dir, 'deno.png'))});
console.log(JSON.stringify({ svg: await toSVG(historyChart(h)) }));
`,
    );
    const out = execFileSync(deno, ['run', '-A', script], {
      cwd: scratch,
      env: { ...process.env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const { svg } = JSON.parse(out.trim().split('\n').at(-1)!) as { svg: string };
    expect(svg).toBe(await toSVG(historyChart(h)));
    const [w, h2] = pngSize(new Uint8Array(readFileSync(join(dir, 'deno.png'))));
    expect(w).toBeGreaterThan(400);
    expect(h2).toBeGreaterThan(200);
  }, 150_000);
});
