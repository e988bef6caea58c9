// Saved pipelines as text files, on @wasmml/platform. Browsers have no file
// system: there, save() without a path returns the artifacts to keep
// (IndexedDB, a download...) and load() takes them back.
import { platform } from '@wasmml/platform';

function needFiles(what: string): void {
  if (!platform.hasFileSystem) {
    throw new Error(
      `${what}: there is no file system in this runtime; call save() without a path and store the returned artifacts, then load(artifacts)`,
    );
  }
}

/** Text files where the runtime has a file system (Node, Deno). */
export const files = {
  async readText(path: string): Promise<string> {
    needFiles('load(path)');
    return platform.readText(path);
  },
  /** Creates the directory, then writes the text atomically (a temporary file renamed over `path`). */
  async writeText(path: string, text: string): Promise<void> {
    needFiles('save(path)');
    await platform.mkdirp(platform.dirname(path));
    await platform.writeFileAtomic(path, new TextEncoder().encode(text));
  },
};
