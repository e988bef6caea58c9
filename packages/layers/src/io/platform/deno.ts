// Deno entry of "#platform", on Deno's own file API (hashing through WebCrypto).
import { tempPathFor, type Platform } from './types.js';

interface DenoFile {
  write(p: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  close(): void;
}
interface DenoLike {
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  open(path: string, options: { write: boolean; create: boolean; truncate: boolean }): Promise<DenoFile>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  build: { os: string };
  errors: { NotFound: new () => Error };
}
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;

const isWindows = () => deno.build.os === 'windows';

async function removeQuietly(path: string): Promise<void> {
  try {
    await deno.remove(path);
  } catch (e) {
    if (!(e instanceof deno.errors.NotFound)) throw e;
  }
}

/** Deno's files. */
export const platform: Platform = {
  hasFileSystem: true,
  readFile: (path) => deno.readFile(path),
  async readTextIfExists(path) {
    try {
      return await deno.readTextFile(path);
    } catch (e) {
      if (e instanceof deno.errors.NotFound) return undefined;
      throw e;
    }
  },
  async writeFileAtomic(path, data) {
    const tmp = tempPathFor(path);
    const f = await deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      let off = 0;
      while (off < data.length) off += await f.write(data.subarray(off));
      await f.sync();
    } catch (e) {
      f.close();
      await removeQuietly(tmp);
      throw e;
    }
    f.close();
    try {
      await deno.rename(tmp, path);
    } catch (e) {
      await removeQuietly(tmp);
      throw e;
    }
  },
  mkdirp: (dir) => deno.mkdir(dir, { recursive: true }),
  remove: removeQuietly,
  join: (...parts) => parts.filter((p) => p !== '').join(isWindows() ? '\\' : '/').replace(/([\\/])[\\/]+/g, '$1'),
  dirname(path) {
    const i = Math.max(path.lastIndexOf('/'), isWindows() ? path.lastIndexOf('\\') : -1);
    return i < 0 ? '.' : i === 0 ? path.slice(0, 1) : path.slice(0, i);
  },
};
