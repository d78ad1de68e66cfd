// Usage rollups: what each ledger event adds to the per-day counters, and the idempotent write that
// adds it. One TransactWriteItems Puts the event's marker (attribute_not_exists) together with every
// counter update, so a duplicate delivery fails the marker's condition and changes nothing at all.
import { type DynamoDBClient, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEvent } from '../../../shared/contracts/ledger-events';
import { EVENT_MARKER_RETENTION_DAYS, ROLLUP_RETENTION_DAYS } from '../../../shared/limits';
import { assertMicros } from '../../../shared/money';

const SECONDS_PER_DAY = 86_400;

/** Counters kept on every rollup item. `entries`/`net_micros` only on wallet-day items. */
export const ROLLUP_COUNTERS = [
  'entries',
  'net_micros',
  'calls',
  'input_tokens',
  'output_tokens',
  'charged_micros',
  'provider_cost_micros',
  'margin_micros',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
export type RollupCounters = Record<RollupCounter, number>;

export function zeroCounters(): RollupCounters {
  return Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, 0])) as RollupCounters;
}

export function addCounters(into: RollupCounters, delta: Partial<RollupCounters>): RollupCounters {
  for (const name of ROLLUP_COUNTERS) into[name] += delta[name] ?? 0;
  return into;
}

/** UTC day of an ISO instant (`2025-01-31`). LedgerEvent.created_at is always UTC (`Z`). */
export function dayOf(isoInstant: string): string {
  const day = isoInstant.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not an ISO instant: ${isoInstant}`);
  return day;
}

// Rollup table keys (table `${prefix}rollups`, pk/sk). Documented in ledger/src/jobs/README.md.
export const rollupKeys = {
  appDay: (appId: string, day: string) => ({ pk: `APP#${appId}`, sk: `DAY#${day}` }),
  appModelDay: (appId: string, day: string, model: string) => ({ pk: `APP#${appId}`, sk: `DAY#${day}#MODEL#${model}` }),
  walletDay: (walletId: string, day: string) => ({ pk: `WALLET#${walletId}`, sk: `DAY#${day}` }),
  modelDay: (day: string, model: string) => ({ pk: `DAY#${day}`, sk: `MODEL#${model}` }),
  eventMarker: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
};

export interface RollupDelta {
  key: { pk: string; sk: string };
  /** Identifying attributes stored alongside the counters (for reading without parsing keys). */
  labels: Record<string, string>;
  counters: Partial<RollupCounters>;
}

/** Every counter update one event causes. Pure; the consumer writes them all or none. */
export function rollupDeltas(event: LedgerEvent): RollupDelta[] {
  const day = dayOf(event.created_at);
  const deltas: RollupDelta[] = [
    {
      key: rollupKeys.walletDay(event.wallet_id, day),
      labels: { kind: 'wallet_day', wallet_id: event.wallet_id, day },
      counters: { entries: 1, net_micros: assertMicros(event.amount_micros, 'amount_micros'), ...usageCounters(event) },
    },
  ];
  if (event.type !== 'usage' || event.app_id === null || event.model === null) return deltas;
  const usage = usageCounters(event);
  deltas.push(
    { key: rollupKeys.appDay(event.app_id, day), labels: { kind: 'app_day', app_id: event.app_id, day }, counters: usage },
    {
      key: rollupKeys.appModelDay(event.app_id, day, event.model),
      labels: { kind: 'app_model_day', app_id: event.app_id, day, model: event.model },
      counters: usage,
    },
    { key: rollupKeys.modelDay(day, event.model), labels: { kind: 'model_day', day, model: event.model }, counters: usage },
  );
  return deltas;
}

function usageCounters(event: LedgerEvent): Partial<RollupCounters> {
  if (event.type !== 'usage') return {};
  // A usage entry debits the wallet: what was charged is the negated amount, never negative.
  const charged = -assertMicros(event.amount_micros, 'amount_micros');
  if (charged < 0) throw new RangeError(`usage entry ${event.entry_id} credits the wallet: ${event.amount_micros}`);
  return {
    calls: 1,
    input_tokens: event.input_tokens ?? 0,
    output_tokens: event.output_tokens ?? 0,
    charged_micros: charged,
    provider_cost_micros: assertMicros(event.provider_cost_micros ?? 0, 'provider_cost_micros'),
    margin_micros: assertMicros(event.margin_micros ?? 0, 'margin_micros'),
  };
}

export type ApplyOutcome = 'applied' | 'duplicate';

/**
 * Adds one event to the rollups exactly once. Returns 'duplicate' when the event's marker already
 * exists (a redelivery); any other failure throws, so the message is retried.
 */
export async function applyEventToRollups(
  dynamo: DynamoDBClient,
  rollupsTableName: string,
  event: LedgerEvent,
  nowMs: number,
): Promise<ApplyOutcome> {
  const deltas = rollupDeltas(event);
  const dayStartS = Date.parse(`${dayOf(event.created_at)}T00:00:00Z`) / 1000;
  const rollupPurgeAtS = dayStartS + ROLLUP_RETENTION_DAYS * SECONDS_PER_DAY;
  const markerPurgeAtS = Math.floor(nowMs / 1000) + EVENT_MARKER_RETENTION_DAYS * SECONDS_PER_DAY;
  const marker = {
    ...rollupKeys.eventMarker(event.event_id),
    wallet_id: event.wallet_id,
    wallet_seq: event.wallet_seq,
    applied_at: new Date(nowMs).toISOString(),
    purge_at: markerPurgeAtS,
  };
  try {
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: rollupsTableName,
              Item: marshall(marker),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...deltas.map((delta) => ({ Update: counterUpdate(rollupsTableName, delta, rollupPurgeAtS) })),
        ],
      }),
    );
    return 'applied';
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      return 'duplicate';
    }
    throw error;
  }
}

function counterUpdate(tableName: string, delta: RollupDelta, purgeAtS: number) {
  const names: Record<string, string> = { '#purge_at': 'purge_at' };
  const values: Record<string, unknown> = { ':purge_at': purgeAtS };
  const adds: string[] = [];
  const sets: string[] = ['#purge_at = :purge_at'];
  for (const [name, value] of Object.entries(delta.counters)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    adds.push(`#${name} :${name}`);
  }
  for (const [name, value] of Object.entries(delta.labels)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  return {
    TableName: tableName,
    Key: marshall(delta.key),
    UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: marshall(values),
  };
}
