// Serialises async work per key inside one process (e.g. per wallet), so this process never races
// itself on a wallet's entry sequence. Other processes are kept out by the write conditions.

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with every wallet seen.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
