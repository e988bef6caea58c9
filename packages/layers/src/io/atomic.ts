// Replacing a model made of several files (model.json + weight shards) so that
// a crash at any instant leaves either the old model or the new one, whole.
//
// The protocol: data files are written under content-addressed names (the
// SHA-256 of their bytes in the name), so a new shard never overwrites a shard
// the live manifest names unless it holds the very same bytes; each file goes
// to a temporary name, is flushed and renamed into place; the manifest
// (model.json) is renamed last, and that one rename is the switch. Only then
// are the previous model's files that the new one does not use deleted. A save
// that fails removes the files it added, so it leaves nothing new behind.
//
// Renaming a temporary directory over the old one would not do: rename(2)
// cannot replace a non-empty directory, so there would be an instant with no
// model at all. Kept free of model specifics so the platform layer can own it.

/** The file operations the switch needs (each runtime's platform entry has them). */
export interface AtomicFileSystem {
  /** Writes a temporary file beside `path`, flushes it and renames it over `path`; removes the temporary on failure. */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Joins path segments with the platform's separator. */
  join(...parts: string[]): string;
}

/** A file to write, by its name inside the directory. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** `weights.bin` + hex digest -> `weights.<first 16 hex digits>.bin`: the name changes whenever the bytes do. */
export function contentName(name: string, sha256Hex: string): string {
  const dot = name.lastIndexOf('.');
  const tag = sha256Hex.slice(0, 16);
  return dot > 0 ? `${name.slice(0, dot)}.${tag}${name.slice(dot)}` : `${name}.${tag}`;
}

/** Whether a name is a plain file name (no directory part, not '.' or '..'): the only names the switch touches. */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\\/]/.test(name) && !/^[a-z]:/i.test(name);
}

/**
 * Writes `files`, then `manifest` (by rename: the switch), into `dir`, then
 * deletes the `previous` files the new manifest no longer names. On failure,
 * removes the files this call added and rethrows: the directory holds what it
 * held before.
 */
export async function switchFiles(
  fs: AtomicFileSystem,
  dir: string,
  files: NamedBytes[],
  manifest: NamedBytes,
  previous: readonly string[],
): Promise<void> {
  for (const f of [...files, manifest]) {
    if (!isPlainName(f.name)) throw new Error(`switchFiles: '${f.name}' is not a plain file name`);
  }
  const keep = new Set([...previous, manifest.name]);
  const added: string[] = [];
  try {
    for (const f of files) {
      if (!keep.has(f.name)) added.push(f.name);
      await fs.writeFileAtomic(fs.join(dir, f.name), f.bytes);
    }
    await fs.writeFileAtomic(fs.join(dir, manifest.name), manifest.bytes);
  } catch (e) {
    for (const name of added) await fs.remove(fs.join(dir, name)).catch(() => {});
    throw e;
  }
  const used = new Set(files.map((f) => f.name));
  for (const name of previous) {
    if (!used.has(name) && name !== manifest.name && isPlainName(name)) await fs.remove(fs.join(dir, name));
  }
}
