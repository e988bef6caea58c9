// @wasmml/platform: the bottom layer under every wasmml package. `platform` is
// the runtime's files, paths and environment, picked per runtime by the
// "#runtime" import map (Node, Deno, browser); the rest is runtime-free.
import { platform as runtimePlatform } from '#runtime';
import type { Platform } from './types.js';

/**
 * This runtime's files, paths and environment. Typed as the interface (not the
 * entry's own type) so that the declarations name no runtime entry and
 * packages without Node's types can import it.
 */
export const platform: Platform = runtimePlatform;
export { noFileSystem, type FileWriter, type Platform } from './types.js';
export { deriveSeed, Random, seedToInt, type Seed } from './random.js';
