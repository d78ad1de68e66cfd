// A store wrapper that fails one chosen call, either before it reaches the table or after the table
// applied it (the response is lost): the two ways a process can die between two steps.
import type { Item, ItemKey, LedgerTable, QueryInput, WriteOp } from '../../ledger/src/store/port';

export class InjectedFault extends Error {
  override name = 'InjectedFault';
}

export type FaultMoment = 'before' | 'after';

export class FaultyTable implements LedgerTable {
  calls = 0;
  private fault: { at: number; moment: FaultMoment } | null = null;

  constructor(private readonly inner: LedgerTable) {}

  /** Fails the `at`-th call (0-based) counted from now. */
  arm(at: number, moment: FaultMoment): void {
    this.calls = 0;
    this.fault = { at, moment };
  }

  disarm(): void {
    this.fault = null;
  }

  get(key: ItemKey): Promise<Item | undefined> {
    return this.step(() => this.inner.get(key));
  }

  query(input: QueryInput): Promise<Item[]> {
    return this.step(() => this.inner.query(input));
  }

  transact(ops: readonly WriteOp[]): Promise<void> {
    return this.step(() => this.inner.transact(ops));
  }

  private async step<T>(call: () => Promise<T>): Promise<T> {
    const index = this.calls++;
    const fault = this.fault && this.fault.at === index ? this.fault : null;
    if (fault) this.fault = null;
    if (fault?.moment === 'before') throw new InjectedFault(`injected before call ${index}`);
    const result = await call();
    if (fault?.moment === 'after') throw new InjectedFault(`injected after call ${index}`);
    return result;
  }
}
