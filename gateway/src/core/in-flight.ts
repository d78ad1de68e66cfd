// The gateway's own rate limit: calls in flight per app key, in this process. A call holds its slot
// until its hold is settled (for a stream: captured or released, not merely answered).
import { FleeexError } from '../../../shared/errors';

export class InFlightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly perKeyMax: number) {}

  /** Takes a slot for `key` or throws 429 rate_limit_exceeded; returns the function giving it back (idempotent). */
  acquire(key: string): () => void {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.perKeyMax) {
      throw new FleeexError('rate_limit_exceeded', `Too many calls in flight for this app key (at most ${this.perKeyMax}); retry shortly.`, {
        retryAfterSeconds: 1,
      });
    }
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}
