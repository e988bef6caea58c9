// The terminal display: a bar per running trial on a TTY, lines only elsewhere.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/progress/terminal.js';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return {
    out,
    stream: {
      isTTY,
      columns: 100,
      rows: 30,
      write: (s: string) => {
        out.push(s);
        return true;
      },
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
      clearScreenDown: () => true,
      on: () => undefined,
      removeListener: () => undefined,
    },
  };
}

describe('search progress', () => {
  it('draws one bar per running trial on a terminal and prints finished trials above them', () => {
    const { out, stream } = fakeStream(true);
    const p = createProgress(1, stream);
    p.start('0000', 'Trial 0000', 10);
    p.start('0001', 'Trial 0001', 10);
    p.update('0000', 5, 'epoch 1/2 loss 0.5');
    p.update('0001', 3, 'epoch 1/2 loss 0.9');
    p.finish('0000', 'Trial 0000 completed');
    p.stop();
    const text = out.join('');
    // cli-progress redraws on its timer: the bar of a trial still running at the last frame is drawn.
    expect(text).toMatch(/Trial 0001 \[=+\.+\] 30% /);
    expect(text).toContain('epoch 1/2 loss 0.9');
    expect(text).toContain('Trial 0000 completed\n');
  });

  it('prints only the finished lines on a non-terminal, and nothing at verbose 0', () => {
    const a = fakeStream(false);
    const p = createProgress(1, a.stream);
    p.start('0000', 'Trial 0000', 10);
    p.update('0000', 10, 'x');
    p.finish('0000', 'Trial 0000 completed');
    p.stop();
    expect(a.out).toEqual(['Trial 0000 completed\n']);
    const b = fakeStream(false);
    const q = createProgress(0, b.stream);
    q.finish('0000', 'Trial 0000 completed');
    expect(b.out).toEqual([]);
  });
});
