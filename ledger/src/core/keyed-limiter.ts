// Bounds how many tasks run at once per key inside one process (e.g. hold transactions per wallet).
// Fewer transactions racing for one wallet item means fewer conflicts in DynamoDB, and lets waiting
// holds see what the running ones learned (a wallet found short) before sending their own.

export class KeyedLimiter {
  private readonly states = new Map<string, { running: number; waiting: Array<() => void> }>();

  constructor(private readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let state = this.states.get(key);
    if (!state) {
      state = { running: 0, waiting: [] };
      this.states.set(key, state);
    }
    if (state.running >= this.limit) {
      await new Promise<void>((resolve) => state!.waiting.push(resolve));
    } else {
      state.running++;
    }
    try {
      return await work();
    } finally {
      const next = state.waiting.shift();
      if (next) {
        next(); // the slot passes straight to the next waiter
      } else {
        state.running--;
        if (state.running === 0) this.states.delete(key);
      }
    }
  }
}
