// indexeddb:// (browsers): the artifacts in IndexedDB, in the database layout
// tfjs uses ('tensorflowjs', stores 'models_store' and 'model_info_store',
// keyed by modelPath), so models saved by either library load in the other.
// Both records are written in one transaction: a save is all or nothing.
import type { IOHandler, ModelArtifacts } from '../types.js';
import { concatBuffers } from '../weights.js';
import { artifactsInfo } from './memory.js';

const DB_NAME = 'tensorflowjs';
const DB_VERSION = 1;
const MODELS = 'models_store';
const INFO = 'model_info_store';

function idb(): IDBFactory {
  const f = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!f) throw new Error("indexeddb://: this runtime has no IndexedDB (it is a browser feature); use 'file://' in Node or Deno");
  return f;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = idb().open(DB_NAME, DB_VERSION);
  r.onupgradeneeded = () => {
    const db = r.result;
    if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS, { keyPath: 'modelPath' });
    if (!db.objectStoreNames.contains(INFO)) db.createObjectStore(INFO, { keyPath: 'modelPath' });
  };
  return request(r);
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** A handler storing the model under `name` in the browser's IndexedDB (tfjs `browserIndexedDB`). */
export function browserIndexedDB(name: string): IOHandler {
  if (!name) throw new Error("indexeddb://: give a model name ('indexeddb://my-model')");
  return {
    async save(artifacts) {
      const stored: ModelArtifacts = { ...artifacts, weightData: concatBuffers(artifacts.weightData ?? new ArrayBuffer(0)) };
      const info = artifactsInfo(stored);
      const db = await openDb();
      try {
        const tx = db.transaction([INFO, MODELS], 'readwrite');
        tx.objectStore(INFO).put({ modelPath: name, modelArtifactsInfo: info });
        tx.objectStore(MODELS).put({ modelPath: name, modelArtifacts: stored });
        await done(tx);
      } finally {
        db.close();
      }
      return { modelArtifactsInfo: info };
    },
    async load() {
      const db = await openDb();
      try {
        const tx = db.transaction(MODELS, 'readonly');
        const rec = (await request(tx.objectStore(MODELS).get(name))) as { modelArtifacts?: ModelArtifacts } | undefined;
        if (!rec?.modelArtifacts) throw new Error(`loadLayersModel: no model named '${name}' in IndexedDB`);
        return rec.modelArtifacts;
      } finally {
        db.close();
      }
    },
  };
}
