// The search loop shared by every tuner (KerasTuner `Tuner`): asks the oracle for
// trials, builds each model from its hyper-parameters, trains it with fit() on
// the shared kernel pool, records its per-epoch logs and score, and saves the
// state after every finished trial.
import { Callback, type CustomCallbackArgs, type LayersModel, type Logs, type ModelData, type ModelFitArgs } from '@wasmml/layers';
import { dispose, setSeed } from '@wasmml/tensor';
import { seedToInt } from '@wasmml/datasets';
import { createProgress } from '#progress';
import { HyperParameters, type HpSpec } from './hyperparameters.js';
import { toObjective, type Objective, type ObjectiveLike } from './objective.js';
import type { Oracle } from './oracles/oracle.js';
import { ranked } from './oracles/oracle.js';
import type { MedianPruner } from './pruner.js';
import { formatTable, resultRows, type ResultRow } from './results.js';
import { clearState, DirectoryStore, MemoryStore, type SearchState, type TrialStore } from './storage.js';
import { epochsRun, valuesKey, type Trial, type TrialRequest } from './trial.js';
import { checkOptions } from './util.js';
import { platform } from '@wasmml/platform';

/** A function that builds and compiles a model from hyper-parameters (KerasTuner's `hypermodel`). */
export type HyperModel = (hp: HyperParameters) => LayersModel | Promise<LayersModel>;

/** Callbacks for every trial's fit, or a function making fresh ones per trial (needed with parallelTrials > 1). */
export type TrialCallbacks =
  | Callback
  | CustomCallbackArgs
  | Array<Callback | CustomCallbackArgs>
  | ((trial: Trial) => Callback | CustomCallbackArgs | Array<Callback | CustomCallbackArgs>);

/** Options every tuner takes. */
export interface TunerArgs {
  /** Builds and compiles the model of a trial. */
  hypermodel: HyperModel;
  /** What to optimise: 'val_accuracy', 'val_loss', any logged value, or an Objective with a direction. */
  objective: ObjectiveLike;
  /** Seed of the hyper-parameter draws and of each trial's training (default 1). */
  seed?: number;
  /** Parent directory of the project (Node, Deno); without it the trials stay in memory. */
  directory?: string;
  /** Project folder inside `directory` (default 'untitled_project'). */
  projectName?: string;
  /** Start afresh instead of resuming a project found on disk (default false). */
  overwrite?: boolean;
  /** Stops bad trials early (e.g. a {@link MedianPruner}). */
  pruner?: MedianPruner;
  /**
   * Trials trained at once, interleaved on the one JS thread (default 1). On 2 cores
   * this measured no faster than 1 (see the package README); the trained weights
   * then depend on the interleaving, the chosen values do not.
   */
  parallelTrials?: number;
  /** 0 silent, 1 a progress bar per running trial and a line per finished one (default). */
  verbose?: 0 | 1;
}

/** Options of {@link Tuner.search}: fit's, with callbacks per trial. */
export interface SearchArgs extends Omit<ModelFitArgs, 'callbacks' | 'initialEpoch' | 'verbose'> {
  /** Callbacks for every trial (an EarlyStopping, say). */
  callbacks?: TrialCallbacks;
}

const TUNER_KEYS = [
  'hypermodel',
  'objective',
  'seed',
  'directory',
  'projectName',
  'overwrite',
  'pruner',
  'parallelTrials',
  'verbose',
] as const;

/** Base of RandomSearch, Hyperband and BayesianOptimization. */
export class Tuner {
  /** What the search optimises. */
  readonly objective: Objective;
  /** The search seed. */
  readonly seed: number;
  /** The search space as registered so far. */
  space: HpSpec[] = [];
  /** Every trial, finished and running, in creation order. */
  trials: Trial[] = [];
  /** Stops bad trials early, when given. */
  readonly pruner: MedianPruner | undefined;
  private readonly store: TrialStore;
  private loaded = false;
  private readonly args: TunerArgs;

  /** @param oracle The strategy. @param args See {@link TunerArgs}. @param extraKeys The subclass's own option names. */
  constructor(
    readonly oracle: Oracle,
    args: TunerArgs,
    extraKeys: readonly string[] = [],
  ) {
    const where = oracle.kind;
    checkOptions(where, args, [...TUNER_KEYS, ...extraKeys]);
    if (typeof args.hypermodel !== 'function')
      throw new Error(`${where}: hypermodel must be a function (hp) => compiled model, got ${typeof args.hypermodel}`);
    this.args = args;
    this.objective = toObjective(args.objective);
    this.seed = args.seed ?? 1;
    this.pruner = args.pruner;
    if (!Number.isFinite(this.seed)) throw new Error(`${where}: seed must be a finite number, got ${args.seed}`);
    const p = args.parallelTrials ?? 1;
    if (!Number.isInteger(p) || p < 1) throw new Error(`${where}: parallelTrials must be a positive integer, got ${p}`);
    this.store =
      args.directory === undefined
        ? new MemoryStore()
        : new DirectoryStore(platform.join(args.directory, args.projectName ?? 'untitled_project'));
  }

  /**
   * Runs trials until the oracle has no more (KerasTuner `tuner.search`). Data and
   * options are fit's; `epochs` is each trial's (Hyperband sets its own). A resumed
   * project skips its finished trials. An error in a trial (a failing build, an
   * objective that is not logged) stops the search and leaves the saved state as
   * it was after the last finished trial.
   */
  async search(x: ModelData, y: ModelData, args: SearchArgs = {}): Promise<void> {
    const where = `${this.oracle.kind}.search`;
    const parallel = this.args.parallelTrials ?? 1;
    if (parallel > 1 && args.callbacks !== undefined && typeof args.callbacks !== 'function') {
      throw new Error(
        `${where}: with parallelTrials > 1 pass callbacks as a function (trial) => callbacks, so that each trial gets its own`,
      );
    }
    if (this.objective.name.startsWith('val_') && !args.validationData && !args.validationSplit) {
      throw new Error(`${where}: objective '${this.objective.name}' is a validation value; pass validationData or validationSplit`);
    }
    await this.restore();
    if (this.space.length === 0) await this.populateSpace();
    const progress = createProgress(this.args.verbose ?? 1);
    const running = new Map<string, Promise<void>>();
    let failure: unknown;
    try {
      for (;;) {
        while (running.size < parallel && failure === undefined) {
          const answer = this.oracle.next({
            space: this.space,
            trials: this.trials,
            objective: this.objective,
            seed: this.seed,
            epochs: args.epochs ?? 1,
          });
          if (answer === null || answer === 'wait') break;
          const trial = this.createTrial(answer);
          running.set(
            trial.trialId,
            this.runTrial(trial, x, y, args, progress)
              .catch((e: unknown) => {
                failure ??= e;
                this.trials = this.trials.filter((t) => t !== trial);
              })
              .finally(() => running.delete(trial.trialId)),
          );
        }
        if (running.size === 0) break;
        await Promise.race(running.values());
      }
    } finally {
      await Promise.allSettled(running.values());
      progress.stop();
    }
    if (failure !== undefined) throw failure;
  }

  /** Finished trials as table rows, best first (KerasTuner's results, as data). */
  results(): ResultRow[] {
    return resultRows(this.trials, this.space, this.objective);
  }

  /** Prints (console.log) and returns a table of the best `numTrials` trials (KerasTuner `results_summary`). */
  resultsSummary(numTrials = 10): string {
    const text = `Results in ${this.store.location}\nObjective: ${this.objective.name} (${this.objective.direction})\n${formatTable(this.results().slice(0, numTrials), this.space)}`;
    console.log(text);
    return text;
  }

  /** The best trials' hyper-parameters, best first, each set of values once. */
  getBestHyperparameters(numTrials = 1): HyperParameters[] {
    return this.bestTrials(numTrials).map((t) => HyperParameters.from(this.space, t.hyperparameters));
  }

  /** The best trials, best first, each set of values once (its longest-trained trial). */
  bestTrials(numTrials = 1): Trial[] {
    const seen = new Set<string>();
    const out: Trial[] = [];
    for (const t of ranked(this.trials, this.objective)) {
      const key = valuesKey(t.hyperparameters);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(t);
      if (out.length === numTrials) break;
    }
    return out;
  }

  /** The best trials' models: rebuilt by the hypermodel, with the weights each had when its training ended. */
  async getBestModels(numTrials = 1): Promise<LayersModel[]> {
    await this.restore();
    const out: LayersModel[] = [];
    for (const t of this.bestTrials(numTrials)) out.push(await this.buildWithWeights(t.hyperparameters, t.trialId));
    return out;
  }

  /** Epochs trained over all trials (what a search costs). */
  totalEpochs(): number {
    return this.trials.reduce((s, t) => s + epochsRun(t), 0);
  }

  private createTrial(r: TrialRequest): Trial {
    const trial: Trial = {
      trialId: String(this.trials.length).padStart(4, '0'),
      hyperparameters: r.hyperparameters,
      status: 'RUNNING',
      score: null,
      bestEpoch: null,
      metrics: {},
      epochs: r.epochs,
      initialEpoch: r.initialEpoch ?? 0,
    };
    if (r.parentId !== undefined) trial.parentId = r.parentId;
    if (r.bracket) trial.bracket = r.bracket;
    this.trials.push(trial);
    return trial;
  }

  /** Reads the project's saved state once (or clears it with overwrite). */
  private async restore(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (this.args.overwrite && this.store instanceof DirectoryStore) await clearState(this.store.location);
    const state = await this.store.load();
    if (!state) return;
    if (
      state.tuner !== this.oracle.kind ||
      state.objective.name !== this.objective.name ||
      state.objective.direction !== this.objective.direction
    ) {
      throw new Error(
        `${this.oracle.kind}: ${this.store.location} holds a ${state.tuner} search on ${state.objective.name} (${state.objective.direction}); pass overwrite: true or another projectName`,
      );
    }
    this.space = state.space;
    this.trials = state.trials.filter((t) => t.status !== 'RUNNING');
  }

  private async saveState(): Promise<void> {
    const state: SearchState = {
      version: 1,
      tuner: this.oracle.kind,
      objective: { name: this.objective.name, direction: this.objective.direction },
      seed: this.seed,
      space: this.space,
      trials: this.trials.filter((t) => t.status !== 'RUNNING'),
    };
    await this.store.save(state);
  }

  /** Builds once with default values to learn the space (KerasTuner does the same). */
  private async populateSpace(): Promise<void> {
    const hp = new HyperParameters();
    const model = await this.args.hypermodel(hp);
    model.dispose();
    this.space = hp.space;
  }

  /** Builds the trial's model; new hyper-parameters it declares join the space. */
  private async build(values: Trial['hyperparameters']): Promise<{ model: LayersModel; hp: HyperParameters }> {
    const hp = HyperParameters.from(this.space, values);
    const model = await this.args.hypermodel(hp);
    for (const s of hp.space) if (!this.space.some((p) => p.name === s.name)) this.space.push(s);
    return { model, hp };
  }

  private async buildWithWeights(values: Trial['hyperparameters'], trialId: string): Promise<LayersModel> {
    const { model } = await this.build(values);
    const saved = await this.store.loadModel(trialId);
    try {
      const weights = saved.getWeights();
      try {
        model.setWeights(weights);
      } finally {
        dispose(weights);
      }
    } finally {
      saved.dispose();
    }
    return model;
  }

  private async runTrial(
    trial: Trial,
    x: ModelData,
    y: ModelData,
    args: SearchArgs,
    progress: ReturnType<typeof createProgress>,
  ): Promise<void> {
    const t0 = Date.now();
    // Each trial's initial weights, shuffles and dropout follow from the search seed and the trial.
    setSeed(seedToInt(`${this.seed}:train:${trial.trialId}`));
    const model =
      trial.parentId === undefined
        ? (await this.build(trial.hyperparameters)).model
        : await this.buildWithWeights(trial.hyperparameters, trial.parentId);
    try {
      trial.hyperparameters = HyperParameters.from(this.space, trial.hyperparameters).toJSON();
      const tracker = new TrialTracker(this, trial, progress);
      const user = typeof args.callbacks === 'function' ? args.callbacks(trial) : args.callbacks;
      const { callbacks: _c, ...fitArgs } = args;
      await model.fit(x, y, {
        ...fitArgs,
        epochs: trial.epochs,
        initialEpoch: trial.initialEpoch,
        verbose: 0,
        callbacks: [tracker, ...(user === undefined ? [] : Array.isArray(user) ? user : [user])],
      });
      if (trial.score === null)
        throw new Error(
          `${this.oracle.kind}: trial ${trial.trialId} logged no epoch (epochs ${trial.epochs}, initialEpoch ${trial.initialEpoch})`,
        );
      trial.status = tracker.pruned ? 'STOPPED' : 'COMPLETED';
      trial.seconds = (Date.now() - t0) / 1000;
      await this.store.saveModel(trial.trialId, model);
      await this.saveState();
      progress.finish(trial.trialId, this.describe(trial));
    } catch (e) {
      progress.finish(trial.trialId, `Trial ${trial.trialId} failed: ${(e as Error).message}`);
      throw e;
    } finally {
      model.dispose();
    }
  }

  private describe(t: Trial): string {
    const hp = Object.entries(t.hyperparameters)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
      .join(' ');
    const best = ranked(this.trials, this.objective)[0];
    return `Trial ${t.trialId} ${t.status.toLowerCase()} in ${t.seconds?.toFixed(1)}s: ${this.objective.name} ${t.score?.toFixed(4)} (${hp}); best so far ${best?.score?.toFixed(4)} (trial ${best?.trialId})`;
  }
}

/** The callback every trial's fit gets: records the logs, scores the trial, asks the pruner, drives the display. */
class TrialTracker extends Callback {
  pruned = false;
  private values: number[] = [];
  private steps = 1;

  constructor(
    private readonly tuner: Tuner,
    private readonly trial: Trial,
    private readonly progress: ReturnType<typeof createProgress>,
  ) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    this.steps = this.params?.steps ?? 1;
    this.progress.start(this.trial.trialId, `Trial ${this.trial.trialId}`, (this.trial.epochs - this.trial.initialEpoch) * this.steps);
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const epochsDone = this.values.length;
    const loss = logs?.loss;
    this.progress.update(
      this.trial.trialId,
      epochsDone * this.steps + batch + 1,
      `epoch ${this.trial.initialEpoch + epochsDone + 1}/${this.trial.epochs}${loss === undefined ? '' : ` loss ${loss.toFixed(4)}`}${this.bestText()}`,
    );
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const { objective } = this.tuner;
    const v = objective.valueIn(logs);
    if (v === undefined) {
      throw new Error(
        `${this.tuner.oracle.kind}: objective '${objective.name}' is not among the logged values (${Object.keys(logs).join(', ')}); name one of them or a metric given to compile`,
      );
    }
    for (const [k, val] of Object.entries(logs)) (this.trial.metrics[k] ??= []).push(val);
    this.values.push(v);
    if (this.trial.score === null || objective.better(v, this.trial.score)) [this.trial.score, this.trial.bestEpoch] = [v, epoch];
    const pruner = this.tuner.pruner;
    if (pruner && epoch + 1 < this.trial.epochs && pruner.shouldPrune(this.trial, epoch, this.values, this.tuner.trials, objective)) {
      this.pruned = true;
      this.model!.stopTraining = true;
    }
  }

  private bestText(): string {
    return this.trial.score === null ? '' : ` ${this.tuner.objective.name} ${this.trial.score.toFixed(4)}`;
  }
}
