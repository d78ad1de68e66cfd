import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from './keyed-limiter';

describe('KeyedLimiter', () => {
  it('never runs more than the limit per key at once, and runs every task', async () => {
    const limiter = new KeyedLimiter(3);
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limiter.run('w', async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      }),
    );
    const other = limiter.run('other', async () => 'free');
    expect(await other).toBe('free');
    let finished = 0;
    for (const task of tasks) void task.then(() => finished++);
    for (let turn = 0; turn < 1_000 && finished < 10; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });
});
