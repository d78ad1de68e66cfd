// What must be true of a wallet at every instant, checked against the raw table (a Scan, test-only):
// balance == sum(entries), entries numbered 1..n without gaps with exact balances after, held == the
// pending holds, available == balance - held >= 0, one outbox event per entry, grant counters agree.
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'vitest';
import { LEDGER_TABLE, physicalTableName } from '../../ledger/src/store/tables';

export type RawItem = Record<string, unknown>;

export async function scanAll(client: DynamoDBClient, prefix: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: Record<string, never> | undefined;
  for (let page = 0; page < 10_000; page++) {
    const out = await client.send(
      new ScanCommand({ TableName: physicalTableName(prefix, LEDGER_TABLE), ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const raw of out.Items ?? []) items.push(unmarshall(raw));
    if (!out.LastEvaluatedKey) break;
    start = out.LastEvaluatedKey as Record<string, never>;
  }
  return items;
}

export interface WalletSnapshot {
  balance_micros: number;
  held_micros: number;
  available_micros: number;
  entries: RawItem[];
}

export async function expectWalletInvariants(client: DynamoDBClient, prefix: string, walletId: string): Promise<WalletSnapshot> {
  const items = await scanAll(client, prefix);
  const walletPk = `WALLET#${walletId}`;
  const wallet = items.find((i) => i['pk'] === walletPk && i['sk'] === 'WALLET');
  expect(wallet, `wallet ${walletId}`).toBeDefined();
  const entries = items
    .filter((i) => i['pk'] === walletPk && String(i['sk']).startsWith('ENTRY#'))
    .sort((a, b) => Number(a['seq']) - Number(b['seq']));
  let running = 0;
  entries.forEach((entry, i) => {
    expect(entry['seq']).toBe(i + 1);
    running += Number(entry['amount_micros']);
    expect(entry['balance_after_micros']).toBe(running);
    expect(running).toBeGreaterThanOrEqual(0);
  });
  const balance = Number(wallet!['balance_micros']);
  const held = Number(wallet!['held_micros']);
  const available = Number(wallet!['available_micros']);
  expect(balance).toBe(running);
  expect(wallet!['entry_seq']).toBe(entries.length);
  const pending = items.filter((i) => String(i['pk']).startsWith('HOLD#') && i['wallet_id'] === walletId && i['status'] === 'pending');
  expect(held).toBe(pending.reduce((sum, h) => sum + Number(h['amount_micros']), 0));
  expect(available).toBe(balance - held);
  expect(available).toBeGreaterThanOrEqual(0);
  expect(held).toBeGreaterThanOrEqual(0);
  const entryIds = new Set(entries.map((e) => e['entry_id']));
  const outbox = items.filter((i) => String(i['pk']).startsWith('OUTBOX#') && i['wallet_id'] === walletId);
  expect(outbox.length).toBe(entries.length);
  for (const event of outbox) expect(entryIds.has(event['entry_id'])).toBe(true);
  for (const grant of items.filter((i) => i['pk'] === walletPk && String(i['sk']).startsWith('GRANT#'))) {
    const appPending = pending.filter((h) => h['app_id'] === grant['app_id']);
    expect(grant['cap_held_micros']).toBe(appPending.reduce((sum, h) => sum + Number(h['amount_micros']), 0));
    if (grant['capped'] === true) {
      expect(grant['cap_remaining_micros']).toBe(
        Number(grant['monthly_cap_micros']) - Number(grant['cap_spent_micros']) - Number(grant['cap_held_micros']),
      );
    }
  }
  return { balance_micros: balance, held_micros: held, available_micros: available, entries };
}
