// Whether a sample of the Moby Dick GPT reads like the novel: mostly letters
// and spaces, and many of its words are the novel's. An untrained model writes
// characters in their frequencies (few words at all); a trained one, even
// after the short run, spells the novel's short common words.
import { join } from 'node:path';
import { repoRoot } from '../helpers.js';

let words: Set<string> | undefined;

/** The set of lower-case words of the novel. */
async function novelWords(): Promise<Set<string>> {
  if (!words) {
    const { loadMobyDick } = (await import(join(repoRoot, 'examples', 'models', 'moby-dick-text.mjs'))) as {
      loadMobyDick: () => Promise<string>;
    };
    words = new Set((await loadMobyDick()).toLowerCase().match(/[a-z]+/g));
  }
  return words;
}

/** Share of letters and spaces in `sample`, and share of its words of 3+ letters that occur in the novel. */
export async function likeTheNovel(sample: string): Promise<{ letters: number; novelWords: number }> {
  const known = await novelWords();
  const sampled = sample.toLowerCase().match(/[a-z]{3,}/g) ?? [];
  return {
    letters: (sample.match(/[a-z ]/gi) ?? []).length / Math.max(1, sample.length),
    novelWords: sampled.filter((w) => known.has(w)).length / Math.max(1, sampled.length),
  };
}
