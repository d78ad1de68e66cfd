// Usage rollups: what each ledger event adds to the per-day counters, and the idempotent write that
// adds it. One TransactWriteItems Puts the event's marker (attribute_not_exists) together with every
// counter update, so a duplicate delivery fails the marker's condition and changes nothing at all.
import { type DynamoDBClient, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEvent } from '../../../shared/contracts/ledger-events';
import { EVENT_MARKER_RETENTION_DAYS, ROLLUP_RETENTION_DAYS } from '../../../shared/limits';
import { assertMicros } from '../../../shared/money';

const SECONDS_PER_DAY = 86_400;

/**
 * Counters kept on every rollup item. `entries`/`net_micros` only on wallet-day items.
 * `written_off_micros`: what captures above the hold (and, on wallet days, refunds) could not take from
 * the wallet: fleeex's loss, for operators only.
 */
export const ROLLUP_COUNTERS = [
  'entries',
  'net_micros',
  'calls',
  'input_tokens',
  'output_tokens',
  'charged_micros',
  'provider_cost_micros',
  'margin_micros',
  'written_off_micros',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
export type RollupCounters = Record<RollupCounter, number>;

export function zeroCounters(): RollupCounters {
  return Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, 0])) as RollupCounters;
}

/** Adds `delta` into `into`, counter by counter; counters absent from both stay absent. */
export function addCounters<T extends Partial<RollupCounters>>(into: T, delta: Partial<RollupCounters>): T {
  const target: Partial<RollupCounters> = into;
  for (const name of ROLLUP_COUNTERS) {
    const value = delta[name];
    if (value === undefined) continue;
    const sum = (target[name] ?? 0) + value;
    if (!Number.isSafeInteger(sum)) throw new RangeError(`${name} overflows: ${sum}`);
    target[name] = sum;
  }
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
      counters: { entries: 1, net_micros: assertMicros(event.amount_micros, 'amount_micros'), ...usageCounters(event), ...writeOffCounters(event) },
    },
  ];
  // A capture's usage and write-off name their app and model; a refund's shortfall names no model, so
  // it counts on its wallet's day only (the app and model items stay comparable across group_by).
  if ((event.type !== 'usage' && event.type !== 'write_off') || event.app_id === null || event.model === null) return deltas;
  const usage = event.type === 'usage' ? usageCounters(event) : writeOffCounters(event);
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

function writeOffCounters(event: LedgerEvent): Partial<RollupCounters> {
  if (event.type !== 'write_off') return {};
  // A write-off records money the wallet could not pay: it never moves the wallet's balance.
  if (event.amount_micros !== 0) throw new RangeError(`write_off entry ${event.entry_id} moves the wallet: ${event.amount_micros}`);
  return { written_off_micros: assertMicros(event.written_off_micros ?? 0, 'written_off_micros') };
}

export type ApplyOutcome = 'applied' | 'duplicate';

/** Events per transaction: each adds one marker and at most four counter updates (limit 100 items). */
export const EVENTS_PER_TRANSACTION_MAX = 20;

/**
 * Adds events to the rollups exactly once each, in as few transactions as possible: one transaction
 * per chunk puts every event's marker (attribute_not_exists) and the chunk's counters merged per item.
 * A marker that already exists (a redelivery) cancels the transaction; the cancellation reasons name
 * it, so the chunk is retried without the duplicates. Any other failure throws (the messages are retried).
 */
export async function applyEventsToRollups(
  dynamo: DynamoDBClient,
  rollupsTableName: string,
  events: readonly LedgerEvent[],
  nowMs: number,
): Promise<Map<string, ApplyOutcome>> {
  const outcomes = new Map<string, ApplyOutcome>();
  const unique: LedgerEvent[] = [];
  for (const event of events) {
    if (outcomes.has(event.event_id)) continue;
    outcomes.set(event.event_id, 'duplicate');
    unique.push(event);
  }
  for (let start = 0; start < unique.length; start += EVENTS_PER_TRANSACTION_MAX) {
    let pending = unique.slice(start, start + EVENTS_PER_TRANSACTION_MAX);
    // Each duplicate retry removes at least one event; conflict retries are bounded separately.
    let conflicts = 0;
    while (pending.length > 0) {
      const outcome = await tryApplyChunk(dynamo, rollupsTableName, pending, nowMs);
      if (outcome === 'applied') {
        for (const event of pending) outcomes.set(event.event_id, 'applied');
        break;
      }
      if (outcome === 'conflict') {
        // Concurrent batches add to the same hot items (an app's day): DynamoDB cancels one of two
        // transactions on the same item. Back off with full jitter, then give up to SQS's redelivery.
        if (++conflicts > ROLLUP_CONFLICT_RETRIES_MAX) throw new Error('rollup transaction kept conflicting');
        await sleep(Math.random() * Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_BASE_MS * 2 ** conflicts));
        continue;
      }
      pending = pending.filter((event) => !outcome.has(event.event_id));
    }
  }
  return outcomes;
}

/** Adds one event exactly once (see applyEventsToRollups). */
export async function applyEventToRollups(
  dynamo: DynamoDBClient,
  rollupsTableName: string,
  event: LedgerEvent,
  nowMs: number,
): Promise<ApplyOutcome> {
  const outcomes = await applyEventsToRollups(dynamo, rollupsTableName, [event], nowMs);
  return outcomes.get(event.event_id)!;
}

const ROLLUP_CONFLICT_RETRIES_MAX = 8;
const CONFLICT_BACKOFF_BASE_MS = 10;
const CONFLICT_BACKOFF_CAP_MS = 1_000;
const CONFLICT_ERROR_NAMES = new Set(['TransactionConflictException', 'TransactionInProgressException']);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** 'applied', 'conflict' (retry the same chunk), or the ids of the events already applied before. */
async function tryApplyChunk(
  dynamo: DynamoDBClient,
  tableName: string,
  events: readonly LedgerEvent[],
  nowMs: number,
): Promise<Set<string> | 'applied' | 'conflict'> {
  const markerPurgeAtS = Math.floor(nowMs / 1000) + EVENT_MARKER_RETENTION_DAYS * SECONDS_PER_DAY;
  const merged = new Map<string, RollupDelta>();
  for (const event of events) {
    for (const delta of rollupDeltas(event)) {
      const id = `${delta.key.pk}\u0000${delta.key.sk}`;
      const existing = merged.get(id);
      if (existing) addCounters(existing.counters, delta.counters);
      else merged.set(id, { ...delta, counters: { ...delta.counters } });
    }
  }
  const markers = events.map((event) => ({
    Put: {
      TableName: tableName,
      Item: marshall({
        ...rollupKeys.eventMarker(event.event_id),
        wallet_id: event.wallet_id,
        wallet_seq: event.wallet_seq,
        applied_at: new Date(nowMs).toISOString(),
        purge_at: markerPurgeAtS,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
  const updates = [...merged.values()].map((delta) => ({
    Update: counterUpdate(tableName, delta, rollupPurgeAtS(delta.labels.day!)),
  }));
  try {
    await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [...markers, ...updates] }));
    return 'applied';
  } catch (error) {
    if (error instanceof Error && CONFLICT_ERROR_NAMES.has(error.name)) return 'conflict';
    if (!(error instanceof TransactionCanceledException)) throw error;
    const duplicates = new Set<string>();
    error.CancellationReasons?.forEach((reason, index) => {
      if (index < events.length && reason.Code === 'ConditionalCheckFailed') duplicates.add(events[index]!.event_id);
    });
    if (duplicates.size > 0) return duplicates;
    if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) return 'conflict';
    throw error;
  }
}

function rollupPurgeAtS(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000 + ROLLUP_RETENTION_DAYS * SECONDS_PER_DAY;
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
