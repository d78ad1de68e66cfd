// The store port: the few table operations the ledger core needs. The DynamoDB adapter implements it;
// tests wrap it to inject failures between steps. Every write is a transaction so that a failed
// condition always reports, per item, whether it failed and the item as it was (ALL_OLD).

export type Item = Record<string, unknown>;

export interface ItemKey {
  pk: string;
  sk: string;
}

interface Expression {
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export type WriteOp =
  | ({ kind: 'put'; item: Item } & Expression)
  | ({ kind: 'update'; key: ItemKey; update: string } & Expression)
  | ({ kind: 'check'; key: ItemKey; condition: string } & Expression)
  | ({ kind: 'delete'; key: ItemKey } & Expression);

export interface QueryInput {
  /** Partition key value (of the table, or of the index when `index` is set). */
  pk: string;
  index?: 'gsi1';
  /** Inclusive bounds on the sort key. */
  skBetween?: readonly [string, string];
  skBeginsWith?: string;
  /** Newest first when false. */
  forward?: boolean;
  limit: number;
}

export interface LedgerTable {
  /** Strongly consistent read of one item. */
  get(key: ItemKey): Promise<Item | undefined>;
  query(input: QueryInput): Promise<Item[]>;
  /** All ops apply or none; a failed condition throws ConditionFailedError. Limit: 100 ops. */
  transact(ops: readonly WriteOp[]): Promise<void>;
}

export interface FailedOp {
  /** True when this op's condition is the one (or one of those) that failed. */
  failed: boolean;
  /** The item as it was when the condition failed (ALL_OLD), when it existed. */
  item: Item | undefined;
}

/** A transaction was cancelled by a failed condition. `ops[i]` describes the i-th op of the request. */
export class ConditionFailedError extends Error {
  override name = 'ConditionFailedError';
  constructor(readonly ops: readonly FailedOp[]) {
    super('transaction cancelled by a failed condition');
  }

  failedAt(index: number): boolean {
    return this.ops[index]?.failed ?? false;
  }

  itemAt(index: number): Item | undefined {
    return this.ops[index]?.item;
  }
}
