// A small in-memory cache with a time-to-live and a size bound (oldest entry evicted first).

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly sizeMax: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAtMs <= this.nowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.sizeMax) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAtMs: this.nowMs() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
