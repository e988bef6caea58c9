// Where a search keeps its trials: a project directory on Node and Deno
// (<directory>/<projectName>/oracle.json plus trial_<id>/ model files), or memory
// (browsers, or when no directory is given). oracle.json is written to a
// temporary file and renamed over the old one, so a crash mid-write leaves the
// previous state; model folders are written by @wasmml/layers' file:// handler,
// which is atomic in the same way.
import { platform } from '@wasmml/platform';
import { io, loadLayersModel, modelArtifacts, type LayersModel, type ModelArtifacts } from '@wasmml/layers';
import type { HpSpec } from './hyperparameters.js';
import type { ObjectiveConfig } from './objective.js';
import type { Trial } from './trial.js';

/** The saved state of a search. */
export interface SearchState {
  /** Format version. */
  version: 1;
  /** The oracle's kind ('RandomSearch', 'Hyperband', 'BayesianOptimization'). */
  tuner: string;
  /** Objective name and direction. */
  objective: ObjectiveConfig;
  /** The search seed. */
  seed: number;
  /** The search space as registered so far. */
  space: HpSpec[];
  /** Finished trials. */
  trials: Trial[];
}

/** Storage of a search's state and of each finished trial's weights. */
export interface TrialStore {
  /** Where it stores ('memory' or the project directory). */
  readonly location: string;
  /** The saved state, or undefined for a new project. */
  load(): Promise<SearchState | undefined>;
  /** Replaces the saved state. */
  save(state: SearchState): Promise<void>;
  /** Keeps the trained model of a trial. */
  saveModel(trialId: string, model: LayersModel): Promise<void>;
  /** The model saved for a trial. */
  loadModel(trialId: string): Promise<LayersModel>;
}

/** Everything in memory (the browser's store; Node and Deno without a directory). */
export class MemoryStore implements TrialStore {
  readonly location = 'memory';
  private state: string | undefined;
  private readonly models = new Map<string, ModelArtifacts>();
  async load() {
    return this.state === undefined ? undefined : (JSON.parse(this.state) as SearchState);
  }
  async save(state: SearchState) {
    this.state = JSON.stringify(state);
  }
  async saveModel(trialId: string, model: LayersModel) {
    this.models.set(trialId, await modelArtifacts(model));
  }
  async loadModel(trialId: string) {
    const a = this.models.get(trialId);
    if (!a) throw new Error(`tuner: no saved model for trial ${trialId}`);
    return loadLayersModel(io.fromMemory(a));
  }
}

/** A project directory on disk. */
export class DirectoryStore implements TrialStore {
  readonly location: string;
  private readonly stateFile: string;

  /** @param dir The project directory (created on the first save). */
  constructor(dir: string) {
    if (!platform.hasFileSystem)
      throw new Error(
        `tuner: directory '${dir}' given, but this runtime has no file system; leave out directory to keep the trials in memory`,
      );
    this.location = dir;
    this.stateFile = platform.join(dir, 'oracle.json');
  }

  async load(): Promise<SearchState | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await platform.readFile(this.stateFile);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT' || (e as Error).name === 'NotFound') return undefined;
      throw e;
    }
    let state: SearchState;
    try {
      state = JSON.parse(new TextDecoder().decode(bytes)) as SearchState;
    } catch (e) {
      throw new Error(`tuner: ${this.stateFile} is not valid JSON (${(e as Error).message}); delete it or pass overwrite: true`);
    }
    if (state?.version !== 1 || !Array.isArray(state.trials) || !Array.isArray(state.space)) {
      throw new Error(`tuner: ${this.stateFile} is not a search state of this version (expected version 1 with space and trials)`);
    }
    return state;
  }

  async save(state: SearchState): Promise<void> {
    await platform.mkdirp(this.location);
    await platform.writeFileAtomic(this.stateFile, new TextEncoder().encode(JSON.stringify(state, null, 1)));
  }

  async saveModel(trialId: string, model: LayersModel): Promise<void> {
    await model.save(`file://${platform.join(this.location, `trial_${trialId}`)}`);
  }

  async loadModel(trialId: string): Promise<LayersModel> {
    return loadLayersModel(`file://${platform.join(this.location, `trial_${trialId}`, 'model.json')}`);
  }
}

/** Removes a saved state so that a project starts afresh (overwrite: true). */
export async function clearState(dir: string): Promise<void> {
  await platform.remove(platform.join(dir, 'oracle.json'));
}
