// Finding a named dataset file in a directory, at a base URL, or on a list of mirrors.
import { platform } from '@wasmml/platform';
import { DownloadError, download, type DownloadOptions } from '../io/download.js';
import { fileResource, isRemote, joinLocation, type Resource } from '../io/resource.js';
import type { Checksum } from '../io/checksum.js';

/** A file of a dataset: its name, an optional uncompressed alternative name, and its published checksum. */
export interface DatasetFile {
  name: string;
  /** Name of the same file stored uncompressed (looked for in local directories). */
  plainName?: string;
  checksum?: Checksum;
}

/**
 * Like Promise.all, but when several fail it throws the first failure in list
 * order, not in time order, so that error messages do not depend on timing.
 */
export async function allInOrder<T extends readonly unknown[] | []>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Opens `file` from `source`: a local directory (the compressed or the plain
 * name), or one or more base URLs tried in order (downloaded into the cache under
 * `subdir`, verified against the published checksum).
 */
export async function locate(
  source: string | URL | readonly string[],
  file: DatasetFile,
  subdir: string,
  options: DownloadOptions = {},
): Promise<Resource> {
  const bases = Array.isArray(source) ? source : [source as string | URL];
  const remote = bases.filter((b) => isRemote(b));
  if (remote.length === 0) {
    if (bases.length !== 1) throw new Error(`${subdir}: give one directory, or base URLs`);
    const base = bases[0]!;
    for (const name of [file.name, file.plainName]) {
      if (!name) continue;
      const loc = joinLocation(base, name);
      const path = loc.startsWith('file:') ? new URL(loc) : loc;
      if (!platform.hasFileSystem) return fileResource(path);
      if ((await platform.fileSize(typeof path === 'string' ? path : decodeURIComponent(path.pathname))) !== undefined)
        return fileResource(path);
    }
    throw new Error(`${subdir}: ${[file.name, file.plainName].filter(Boolean).join(' or ')} not found in ${String(base)}`);
  }
  const errors: string[] = [];
  for (const base of remote) {
    try {
      return await download(joinLocation(base, file.name), { subdir, checksum: file.checksum, ...options });
    } catch (e) {
      if (remote.length === 1) throw e;
      errors.push((e as Error).message); // a bad or unreachable mirror: try the next
    }
  }
  throw new DownloadError(
    String(remote[0]),
    `${subdir}: could not download ${file.name} from any of ${remote.length} mirrors:\n  ${errors.join('\n  ')}`,
  );
}
