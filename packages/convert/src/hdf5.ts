// HDF5 through h5wasm (the HDF5 C library compiled to wasm): files are opened
// from bytes in its in-memory file system, so the same code runs in Node, Deno
// and browsers, and nothing touches the real disk until the caller writes the
// finished bytes.
import type * as H5 from 'h5wasm';

type H5File = H5.File;
let counter = 0;
let lib: Promise<typeof H5> | undefined;

/** h5wasm, loaded on first use: its module embeds a 4 MB wasm build that every user of the umbrella package should not pay for. */
async function h5(): Promise<typeof H5> {
  lib ??= import('h5wasm').then(async (m) => {
    await m.ready;
    return m;
  });
  return lib;
}

async function fs() {
  const { FS } = await (await h5()).ready;
  return FS!;
}

/** An array read from a file: float32 values and their shape. */
export interface H5Array {
  shape: number[];
  values: Float32Array;
}

/** A read-only HDF5 file opened from bytes. */
export class H5Reader {
  private constructor(
    private readonly file: H5File,
    private readonly path: string,
    private readonly what: string,
    private readonly lib: typeof H5,
  ) {}

  /** Opens bytes as HDF5; `what` names the file in errors. */
  static async open(bytes: Uint8Array, what: string): Promise<H5Reader> {
    const FS = await fs();
    const path = `/wasmml-read-${++counter}.h5`;
    FS.writeFile(path, bytes);
    // h5wasm logs HDF5's diagnostics and returns a closed file for bad input: check the signature first.
    const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    if (bytes.byteLength < 8 || sig.some((b, i) => bytes[i] !== b)) {
      FS.unlink(path);
      throw new Error(`${what} is not an HDF5 file (no HDF5 signature in its first bytes)`);
    }
    try {
      const m = await h5();
      return new H5Reader(new m.File(path, 'r'), path, what, m);
    } catch (e) {
      FS.unlink(path);
      throw new Error(`${what} could not be opened as HDF5: ${(e as Error).message}`);
    }
  }

  has(path: string): boolean {
    try {
      return this.file.get(path) !== null;
    } catch {
      return false;
    }
  }

  /** Child names of a group ([] when it is missing). */
  keys(path: string): string[] {
    const g = this.file.get(path);
    return g instanceof this.lib.Group ? g.keys() : [];
  }

  /** An attribute of an object, JSON-compatible (strings, numbers, lists), or undefined. */
  attr(path: string, name: string): unknown {
    const o = path === '/' ? this.file : this.file.get(path);
    if (!(o instanceof this.lib.Group || o instanceof this.lib.Dataset) || !(name in o.attrs)) return undefined;
    return o.get_attribute(name, true);
  }

  /** A float dataset as float32; errors name the file and the dataset. */
  array(path: string): H5Array {
    const d = this.file.get(path);
    if (!(d instanceof this.lib.Dataset))
      throw new Error(`${this.what} has no dataset '${path}' (the weights file is incomplete or from another model)`);
    const v = d.value;
    const shape = d.shape ?? [];
    if (typeof v === 'number' || typeof v === 'bigint') return { shape, values: new Float32Array([Number(v)]) };
    if (!ArrayBuffer.isView(v)) throw new Error(`${this.what}: dataset '${path}' holds ${String(d.dtype)}, not numbers`);
    return { shape, values: v instanceof Float32Array ? v : Float32Array.from(v as unknown as ArrayLike<number>, Number) };
  }

  close(): void {
    this.file.close();
    void fs().then((FS) => FS.unlink(this.path));
  }
}

/** Builds an HDF5 file in memory; `bytes()` closes it and returns its content. */
export class H5Writer {
  private constructor(
    private readonly file: H5File,
    private readonly path: string,
  ) {}

  static async create(): Promise<H5Writer> {
    const m = await h5();
    const path = `/wasmml-write-${++counter}.h5`;
    return new H5Writer(new m.File(path, 'w'), path);
  }

  /** Creates a group and any missing parents. */
  group(path: string): void {
    let at = '';
    for (const part of path.split('/').filter(Boolean)) {
      const next = `${at}/${part}`;
      if (this.file.get(next) === null) (at ? (this.file.get(at) as H5.Group) : this.file).create_group(part);
      at = next;
    }
  }

  /** Sets a string, number or string-list attribute on a group ('/' for the root). */
  attr(path: string, name: string, value: string | number | string[]): void {
    const o = path === '/' ? this.file : (this.file.get(path) as H5.Group);
    o.create_attribute(name, value);
  }

  /** Writes a float32 dataset, making its parent groups. */
  dataset(path: string, shape: number[], values: Float32Array): void {
    const i = path.lastIndexOf('/');
    const parent = path.slice(0, i);
    this.group(parent);
    const g = parent ? (this.file.get(parent) as H5.Group) : this.file;
    g.create_dataset({ name: path.slice(i + 1), data: values, shape, dtype: '<f' });
  }

  async bytes(): Promise<Uint8Array> {
    this.file.close();
    const FS = await fs();
    const out = FS.readFile(this.path) as Uint8Array;
    FS.unlink(this.path);
    return out;
  }
}
