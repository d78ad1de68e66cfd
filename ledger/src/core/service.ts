// The ledger's core operations behind one object, built once per process over a store port.
// Routes, owner flows (issue 5), jobs (issue 6) and the benchmark use this; none touch the table.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HOLD_TTL_MS } from '../../../shared/limits';
import { DynamoLedgerTable } from '../store/dynamo-table';
import type { LedgerTable } from '../store/port';
import { Apps } from './apps';
import { type Clock, systemClock } from './clock';
import { Grants } from './grants';
import { Holds } from './holds';
import { PriceBook } from './prices';
import { WalletViews } from './wallet-state';
import { Wallets } from './wallets';

export interface LedgerServiceOptions {
  table: LedgerTable;
  clock?: Clock;
  holdTtlMs?: number;
  /** Key and link lookups (routes that move no money re-check nothing): default APP_KEY_CACHE_TTL_MS. */
  keyCacheTtlMs?: number;
  /** Price-table cache: default PRICE_TABLE_CACHE_TTL_MS. */
  priceCacheTtlMs?: number;
}

export class LedgerService {
  readonly table: LedgerTable;
  readonly clock: Clock;
  readonly apps: Apps;
  readonly grants: Grants;
  readonly prices: PriceBook;
  readonly wallets: Wallets;
  readonly holds: Holds;

  constructor(options: LedgerServiceOptions) {
    this.table = options.table;
    this.clock = options.clock ?? systemClock;
    const views = new WalletViews(this.table);
    this.apps = new Apps(this.table, this.clock, options.keyCacheTtlMs);
    this.grants = new Grants(this.table, this.clock, options.keyCacheTtlMs);
    this.prices = new PriceBook(this.table, this.clock, options.priceCacheTtlMs);
    this.wallets = new Wallets(this.table, views, this.clock);
    this.holds = new Holds({
      table: this.table,
      clock: this.clock,
      apps: this.apps,
      grants: this.grants,
      prices: this.prices,
      views,
      holdTtlMs: options.holdTtlMs ?? HOLD_TTL_MS,
    });
  }

  /** A service over the DynamoDB table `${prefix}ledger`. */
  static forDynamo(client: DynamoDBClient, prefix: string, options: Omit<LedgerServiceOptions, 'table'> = {}): LedgerService {
    return new LedgerService({ ...options, table: new DynamoLedgerTable(client, prefix) });
  }

  /** Publishes the seed price table as version 1 when the table has none. */
  seedPricesIfEmpty(): Promise<void> {
    return this.prices.seedIfEmpty();
  }
}
