// A store wrapper that lets a rival (a real write by another ledger process) go first, just before
// each transaction a predicate picks: a deterministic way to make an operation lose its races.
import type { Item, ItemKey, LedgerTable, QueryInput, WriteOp } from '../../ledger/src/store/port';

export class RivalFirstTable implements LedgerTable {
  /** How many picked transactions were sent (each after one rival write). */
  matched = 0;

  constructor(
    private readonly inner: LedgerTable,
    private readonly matches: (ops: readonly WriteOp[]) => boolean,
    private readonly rival: (n: number) => Promise<void>,
  ) {}

  get(key: ItemKey): Promise<Item | undefined> {
    return this.inner.get(key);
  }

  query(input: QueryInput): Promise<Item[]> {
    return this.inner.query(input);
  }

  async transact(ops: readonly WriteOp[]): Promise<void> {
    if (this.matches(ops)) await this.rival(this.matched++);
    return this.inner.transact(ops);
  }
}

/** Picks the transactions that write the hold `holdId` (its hold, capture or release). */
export const touchesHold = (holdId: string) => (ops: readonly WriteOp[]) =>
  ops.some((op) => (op.kind === 'put' && op.item['hold_id'] === holdId) || (op.kind === 'update' && op.key.pk === `HOLD#${holdId}`));
