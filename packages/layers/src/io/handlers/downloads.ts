// downloads:// (browsers) saves model.json and the weights as two file
// downloads; browserFiles loads them back from <input type="file"> Files.
import { artifactsFromModelJSON, parseModelJSON, toModelJSON } from '../model-json.js';
import type { IOHandler } from '../types.js';
import { concatBuffers } from '../weights.js';
import { artifactsInfo } from './memory.js';

interface AnchorLike {
  href: string;
  download: string;
  click(): void;
}

function trigger(blob: Blob, fileName: string): void {
  const doc = (globalThis as { document?: { createElement(tag: 'a'): AnchorLike } }).document;
  if (!doc) throw new Error("downloads://: this runtime has no document to download from; use 'file://' in Node or Deno");
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.download = fileName;
  a.href = url;
  a.click();
  // Revoking at once can cancel the download in some browsers; give it time.
  const t = setTimeout(() => URL.revokeObjectURL(url), 10_000) as unknown as { unref?: () => void };
  t.unref?.();
}

/** A handler that saves by downloading '<name>.json' and '<name>.weights.bin' (tfjs `browserDownloads`). */
export function browserDownloads(name = 'model'): IOHandler {
  const stem = name || 'model';
  return {
    async save(artifacts) {
      const bytes = new Uint8Array(concatBuffers(artifacts.weightData ?? new ArrayBuffer(0)));
      const weightsName = `${stem}.weights.bin`;
      const json = await toModelJSON(artifacts, [{ path: `./${weightsName}`, bytes }]);
      // Weights first, model.json last, as for files.
      trigger(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), weightsName);
      trigger(new Blob([JSON.stringify(json)], { type: 'application/json' }), `${stem}.json`);
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
  };
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * A handler that loads from File objects (tfjs `browserFiles`): the model.json
 * file first (or any file ending in .json), then its weight files, matched by name.
 */
export function browserFiles(files: File[]): IOHandler {
  return {
    async load() {
      if (!files?.length) throw new Error('browserFiles: give the model.json file and its weight files');
      const jsonFile = files.find((f) => f.name.endsWith('.json')) ?? files[0]!;
      const json = parseModelJSON(await jsonFile.text(), jsonFile.name);
      const others = files.filter((f) => f !== jsonFile);
      return artifactsFromModelJSON(
        json,
        async (p) => {
          const f = others.find((o) => o.name === baseName(p));
          if (!f) throw new Error(`no file named '${baseName(p)}' among ${others.map((o) => o.name).join(', ') || 'the files given'}`);
          return new Uint8Array(await f.arrayBuffer());
        },
        jsonFile.name,
      );
    },
  };
}
