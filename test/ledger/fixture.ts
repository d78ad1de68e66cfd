// A ledger over its own tables in the run's DynamoDB Local, with a movable clock and helpers to seed
// an app, a wallet with money, and a grant. Each call makes a fresh table prefix.
import { hashApiKey } from '../../shared/api-keys';
import { FleeexError } from '../../shared/errors';
import { LedgerService } from '../../ledger/src/core/service';
import { DynamoLedgerTable } from '../../ledger/src/store/dynamo-table';
import { ensureTables } from '../../ledger/src/store/ensure-tables';
import type { LedgerTable } from '../../ledger/src/store/port';
import { LEDGER_TABLE } from '../../ledger/src/store/tables';
import { testDynamoClient, uniqueTablePrefix } from '../harness/aws';

/** A refusal's error code; anything other than a FleeexError shows up as "unexpected: ..." in a failed assertion. */
export function codeOf(error: unknown): string {
  return error instanceof FleeexError ? error.code : `unexpected: ${String(error)}`;
}

export const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
export const START = new Date('2026-03-10T12:00:00.000Z');

export class TestClock {
  private nowMs: number;
  constructor(start: Date = START) {
    this.nowMs = start.getTime();
  }
  readonly now = () => new Date(this.nowMs);
  advance(ms: number): void {
    this.nowMs += ms;
  }
  set(at: Date): void {
    this.nowMs = at.getTime();
  }
}

export interface Payer {
  appId: string;
  apiKey: string;
  apiKeyHash: string;
  walletId: string;
  appUserId: string;
}

export async function ledgerFixture(options: { holdTtlMs?: number; wrap?: (table: LedgerTable) => LedgerTable } = {}) {
  const client = testDynamoClient();
  const prefix = uniqueTablePrefix();
  await ensureTables(client, prefix, [LEDGER_TABLE]);
  const table = new DynamoLedgerTable(client, prefix);
  const clock = new TestClock();
  const service = new LedgerService({
    table: options.wrap ? options.wrap(table) : table,
    clock: clock.now,
    holdTtlMs: options.holdTtlMs,
  });
  await service.seedPricesIfEmpty();

  async function payer(input: { balance_micros?: number; monthly_cap_micros?: number | null; appId?: string } = {}): Promise<Payer> {
    let appId = input.appId;
    let apiKey = '';
    if (!appId) {
      const app = await service.apps.create({ name: 'test app' });
      appId = app.app_id;
      apiKey = app.api_key;
    }
    const wallet = await service.wallets.create();
    if (input.balance_micros) await service.wallets.credit(wallet.wallet_id, input.balance_micros, `seed-${wallet.wallet_id}`);
    const appUserId = `user-${wallet.wallet_id}`;
    await service.grants.grant({ wallet_id: wallet.wallet_id, app_id: appId, app_user_id: appUserId, monthly_cap_micros: input.monthly_cap_micros ?? null });
    return { appId, apiKey, apiKeyHash: apiKey ? await hashApiKey(apiKey) : '', walletId: wallet.wallet_id, appUserId };
  }

  return { client, prefix, table, clock, service, payer };
}
