// Reconciliation: proves, wallet by wallet, that the money and the reports agree, and reports every
// disagreement without touching it (drift is never fixed silently: an operator decides).
// Per wallet: the balance equals the sum of its entries; the entries are numbered 1..entry_seq without
// gaps; each entry's balance_after is the running sum; balance = held + available; and each settled
// day's (wallet, day) rollup equals the same day's ledger sums. Each run also releases expired holds.
// Work per run is bounded: a few pages of a resumable scan for wallets (the cursor is saved between
// runs), a bounded number of entry pages per wallet.
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomId } from '../../../shared/api-keys';
import {
  RECONCILE_DRIFTS_REPORTED_MAX,
  RECONCILE_ENTRY_PAGES_PER_WALLET,
  RECONCILE_SCAN_PAGE_ITEMS,
  RECONCILE_SCAN_PAGES_PER_RUN,
  RECONCILE_WALLET_CONCURRENCY,
  ROLLUP_RETENTION_DAYS,
  ROLLUP_SETTLE_MS,
} from '../../../shared/limits';
import { entryFromItem, ledgerEvent } from '../core/entries';
import { entrySk, WALLET_SK, walletKey } from '../store/keys';
import { forEachBounded } from './bounded';
import { type HoldExpiryPort, type HoldExpiryResult, releaseExpiredHolds } from './hold-expiry';
import { type JobLogger, logJob } from './log';
import { addCounters, dayOf, ROLLUP_COUNTERS, type RollupCounters, rollupDeltas, rollupKeys } from './rollups';

const MS_PER_DAY = 86_400_000;
const ROLLUP_PAGES_MAX = 10;
const DRIFT_PK = 'DRIFT';
const RECON_PK = 'RECON';

export const DRIFT_KINDS = [
  'balance_mismatch',
  'sequence_gap',
  'balance_after_mismatch',
  'wallet_invariant',
  'entry_unreadable',
  'rollup_mismatch',
  'wallet_not_fully_checked',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface Drift {
  wallet_id: string;
  kind: DriftKind;
  /** The UTC day concerned (rollup mismatches), else null. */
  day: string | null;
  details: Record<string, unknown>;
}

export interface DriftRecord extends Drift {
  status: 'open' | 'resolved';
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
}

export interface ReconciliationRun {
  run_id: string;
  started_at: string;
  finished_at: string;
  holds: HoldExpiryResult;
  wallets_checked: number;
  entries_checked: number;
  /** The scan reached the end of the table: every wallet has been checked since the pass began. */
  pass_complete: boolean;
  /** Days whose rollups were compared end before this instant. */
  rollups_settled_before: string;
  drift_count: number;
  drifts: Drift[];
}

export interface ReconcilerOptions {
  dynamo: DynamoDBClient;
  ledgerTableName: string;
  rollupsTableName: string;
  holds: HoldExpiryPort;
  clock?: () => Date;
  settleMs?: number;
  scanPagesPerRun?: number;
  scanPageItems?: number;
  log?: JobLogger;
}

export interface RunOptions {
  /** Compare the rollups of days that ended before this (default: now - settle). Tests pass the future. */
  rollupsSettledBefore?: Date;
}

export class Reconciler {
  private readonly clock: () => Date;
  private readonly log: JobLogger;

  constructor(private readonly options: ReconcilerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? logJob;
  }

  async run(runOptions: RunOptions = {}): Promise<ReconciliationRun> {
    const started = this.clock();
    const settledBefore = runOptions.rollupsSettledBefore ?? new Date(started.getTime() - (this.options.settleMs ?? ROLLUP_SETTLE_MS));
    const holds = await releaseExpiredHolds(this.options.holds, started, { log: this.log });

    let cursor = await this.loadCursor();
    const drifts: Drift[] = [];
    let walletsChecked = 0;
    let entriesChecked = 0;
    let passComplete = false;
    for (let page = 0; page < (this.options.scanPagesPerRun ?? RECONCILE_SCAN_PAGES_PER_RUN); page++) {
      const scanned = await this.options.dynamo.send(
        new ScanCommand({
          TableName: this.options.ledgerTableName,
          FilterExpression: 'sk = :wallet',
          ExpressionAttributeValues: { ':wallet': { S: WALLET_SK } },
          ProjectionExpression: 'wallet_id',
          Limit: this.options.scanPageItems ?? RECONCILE_SCAN_PAGE_ITEMS,
          ExclusiveStartKey: cursor,
        }),
      );
      const walletIds = (scanned.Items ?? []).map((item) => item.wallet_id?.S).filter((id): id is string => Boolean(id));
      await forEachBounded(walletIds, RECONCILE_WALLET_CONCURRENCY, async (walletId) => {
        const checked = await this.checkWallet(walletId, settledBefore, started);
        walletsChecked++;
        entriesChecked += checked.entries;
        drifts.push(...checked.drifts);
        await this.recordDrifts(walletId, checked.drifts, started);
      });
      cursor = scanned.LastEvaluatedKey;
      if (!cursor) {
        passComplete = true;
        break;
      }
    }
    await this.saveCursor(cursor);

    const run: ReconciliationRun = {
      run_id: randomId('recon'),
      started_at: started.toISOString(),
      finished_at: this.clock().toISOString(),
      holds,
      wallets_checked: walletsChecked,
      entries_checked: entriesChecked,
      pass_complete: passComplete,
      rollups_settled_before: settledBefore.toISOString(),
      drift_count: drifts.length,
      drifts: drifts.slice(0, RECONCILE_DRIFTS_REPORTED_MAX),
    };
    await this.putRecon('LATEST', { run: JSON.stringify(run) });
    if (drifts.length > 0) {
      this.log(
        'error',
        'reconciliation_drift',
        { run_id: run.run_id, drift_count: drifts.length, drifts: drifts.slice(0, 10) },
        true,
      );
    } else {
      this.log('info', 'reconciliation_run', {
        run_id: run.run_id,
        wallets_checked: walletsChecked,
        holds_released: holds.released,
        pass_complete: passComplete,
      });
    }
    return run;
  }

  /** The last run and the drift records (open first, then the most recently resolved). */
  async report(limit = RECONCILE_DRIFTS_REPORTED_MAX): Promise<{ latest_run: ReconciliationRun | null; drifts: DriftRecord[] }> {
    const latest = await this.options.dynamo.send(
      new GetItemCommand({ TableName: this.options.rollupsTableName, Key: marshall({ pk: RECON_PK, sk: 'LATEST' }), ConsistentRead: true }),
    );
    const runJson = latest.Item ? unmarshall(latest.Item).run : undefined;
    const records: DriftRecord[] = [];
    let cursor: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < ROLLUP_PAGES_MAX; page++) {
      const response = await this.options.dynamo.send(
        new QueryCommand({
          TableName: this.options.rollupsTableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: DRIFT_PK } },
          ExclusiveStartKey: cursor,
          ConsistentRead: true,
        }),
      );
      records.push(...(response.Items ?? []).map((item) => driftRecordFromItem(unmarshall(item))));
      cursor = response.LastEvaluatedKey;
      if (!cursor) break;
    }
    records.sort((a, b) => (a.status === b.status ? b.last_seen_at.localeCompare(a.last_seen_at) : a.status === 'open' ? -1 : 1));
    return { latest_run: typeof runJson === 'string' ? (JSON.parse(runJson) as ReconciliationRun) : null, drifts: records.slice(0, limit) };
  }

  /** Checks one wallet against its entries and its rollups. Read-only on the ledger. */
  async checkWallet(walletId: string, settledBefore: Date, now: Date = this.clock()): Promise<{ entries: number; drifts: Drift[] }> {
    const drifts: Drift[] = [];
    const drift = (kind: DriftKind, details: Record<string, unknown>, day: string | null = null) =>
      drifts.push({ wallet_id: walletId, kind, day, details });

    // The wallet first: entries are posted in the same transaction as the wallet update, so entries
    // 1..entry_seq all exist by the time we read them, and later postings are simply not counted.
    const walletResponse = await this.options.dynamo.send(
      new GetItemCommand({ TableName: this.options.ledgerTableName, Key: marshall(walletKey(walletId)), ConsistentRead: true }),
    );
    if (!walletResponse.Item) return { entries: 0, drifts };
    const wallet = unmarshall(walletResponse.Item);
    const balance = Number(wallet.balance_micros);
    const held = Number(wallet.held_micros);
    const available = Number(wallet.available_micros);
    const entrySeq = Number(wallet.entry_seq);
    if (!(held >= 0 && available >= 0 && balance === held + available)) {
      drift('wallet_invariant', { balance_micros: balance, held_micros: held, available_micros: available });
    }

    const ledgerDays = new Map<string, Partial<RollupCounters>>();
    let running = 0;
    let expectedSeq = 1;
    let count = 0;
    let firstBadBalanceAfter = true;
    let cursor: Record<string, AttributeValue> | undefined;
    let complete = entrySeq === 0;
    for (let page = 0; page < RECONCILE_ENTRY_PAGES_PER_WALLET && !complete; page++) {
      const response = await this.options.dynamo.send(
        new QueryCommand({
          TableName: this.options.ledgerTableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: marshall({ ':pk': walletKey(walletId).pk, ':first': entrySk(1), ':last': entrySk(entrySeq) }),
          ExclusiveStartKey: cursor,
          ConsistentRead: true,
        }),
      );
      for (const item of response.Items ?? []) {
        count++;
        let event: ReturnType<typeof ledgerEvent>;
        try {
          event = ledgerEvent(entryFromItem(unmarshall(item)));
        } catch (error) {
          drift('entry_unreadable', { sk: item.sk?.S ?? null, error: error instanceof Error ? error.message : String(error) });
          continue;
        }
        if (event.wallet_seq !== expectedSeq) drift('sequence_gap', { expected_seq: expectedSeq, found_seq: event.wallet_seq });
        expectedSeq = event.wallet_seq + 1;
        running += event.amount_micros;
        if (event.balance_after_micros !== running && firstBadBalanceAfter) {
          firstBadBalanceAfter = false;
          drift('balance_after_mismatch', { seq: event.wallet_seq, balance_after_micros: event.balance_after_micros, running_sum_micros: running });
        }
        try {
          const day = dayOf(event.created_at);
          ledgerDays.set(day, addCounters(ledgerDays.get(day) ?? {}, rollupDeltas(event)[0]!.counters));
        } catch (error) {
          drift('entry_unreadable', { seq: event.wallet_seq, error: error instanceof Error ? error.message : String(error) });
        }
      }
      cursor = response.LastEvaluatedKey;
      complete = !cursor;
    }
    if (!complete) {
      drift('wallet_not_fully_checked', { entry_seq: entrySeq, entries_read: count });
      return { entries: count, drifts };
    }
    if (count !== entrySeq) drift('sequence_gap', { entry_seq: entrySeq, entries_found: count });
    if (running !== balance) drift('balance_mismatch', { balance_micros: balance, entries_sum_micros: running });

    const rollupDays = await this.walletRollups(walletId);
    // Rollups older than their retention may already be purged by TTL: not comparable.
    const oldestComparable = dayOf(new Date(now.getTime() - (ROLLUP_RETENTION_DAYS - 1) * MS_PER_DAY).toISOString());
    for (const day of new Set([...ledgerDays.keys(), ...rollupDays.keys()])) {
      const dayEndMs = Date.parse(`${day}T00:00:00Z`) + MS_PER_DAY;
      if (dayEndMs > settledBefore.getTime() || day < oldestComparable) continue;
      const ledger = ledgerDays.get(day) ?? {};
      const rollup = rollupDays.get(day) ?? {};
      const differing = ROLLUP_COUNTERS.filter((name) => (ledger[name] ?? 0) !== (rollup[name] ?? 0));
      if (differing.length > 0) {
        drift(
          'rollup_mismatch',
          {
            counters: differing,
            ledger: Object.fromEntries(differing.map((name) => [name, ledger[name] ?? 0])),
            rollups: Object.fromEntries(differing.map((name) => [name, rollup[name] ?? 0])),
          },
          day,
        );
      }
    }
    return { entries: count, drifts };
  }

  private async walletRollups(walletId: string): Promise<Map<string, Partial<RollupCounters>>> {
    const days = new Map<string, Partial<RollupCounters>>();
    let cursor: Record<string, AttributeValue> | undefined;
    const pk = rollupKeys.walletDay(walletId, '').pk;
    for (let page = 0; page < ROLLUP_PAGES_MAX; page++) {
      const response = await this.options.dynamo.send(
        new QueryCommand({
          TableName: this.options.rollupsTableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
          ExpressionAttributeValues: marshall({ ':pk': pk, ':day': 'DAY#' }),
          ExclusiveStartKey: cursor,
          ConsistentRead: true,
        }),
      );
      for (const raw of response.Items ?? []) {
        const item = unmarshall(raw);
        const counters: Partial<RollupCounters> = {};
        for (const name of ROLLUP_COUNTERS) if (typeof item[name] === 'number') counters[name] = item[name];
        days.set(String(item.day), counters);
      }
      cursor = response.LastEvaluatedKey;
      if (!cursor) break;
    }
    return days;
  }

  /** Upserts this wallet's drifts as open records and marks its earlier ones no longer seen as resolved. */
  private async recordDrifts(walletId: string, drifts: readonly Drift[], at: Date): Promise<void> {
    const existing = await this.options.dynamo.send(
      new QueryCommand({
        TableName: this.options.rollupsTableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :wallet)',
        ExpressionAttributeValues: marshall({ ':pk': DRIFT_PK, ':wallet': `${walletId}#` }),
        ConsistentRead: true,
      }),
    );
    const seen = new Set<string>();
    const now = at.toISOString();
    for (const found of drifts) {
      const sk = driftSk(found);
      if (seen.has(sk)) continue;
      seen.add(sk);
      await this.options.dynamo.send(
        new UpdateItemCommand({
          TableName: this.options.rollupsTableName,
          Key: marshall({ pk: DRIFT_PK, sk }),
          UpdateExpression:
            'SET wallet_id = :wallet, kind = :kind, #day = :day, details = :details, #status = :open, first_seen_at = if_not_exists(first_seen_at, :now), last_seen_at = :now, resolved_at = :null',
          ExpressionAttributeNames: { '#day': 'day', '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':wallet': found.wallet_id,
            ':kind': found.kind,
            ':day': found.day,
            ':details': JSON.stringify(found.details),
            ':open': 'open',
            ':now': now,
            ':null': null,
          }),
        }),
      );
    }
    for (const raw of existing.Items ?? []) {
      const item = unmarshall(raw);
      if (seen.has(String(item.sk)) || item.status !== 'open') continue;
      await this.options.dynamo.send(
        new UpdateItemCommand({
          TableName: this.options.rollupsTableName,
          Key: marshall({ pk: DRIFT_PK, sk: String(item.sk) }),
          UpdateExpression: 'SET #status = :resolved, resolved_at = :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':resolved': 'resolved', ':now': now }),
        }),
      );
    }
  }

  private async loadCursor(): Promise<Record<string, AttributeValue> | undefined> {
    const response = await this.options.dynamo.send(
      new GetItemCommand({ TableName: this.options.rollupsTableName, Key: marshall({ pk: RECON_PK, sk: 'CURSOR' }), ConsistentRead: true }),
    );
    const cursor = response.Item ? unmarshall(response.Item).cursor : null;
    return typeof cursor === 'string' ? (JSON.parse(cursor) as Record<string, AttributeValue>) : undefined;
  }

  private saveCursor(cursor: Record<string, AttributeValue> | undefined): Promise<void> {
    return this.putRecon('CURSOR', { cursor: cursor ? JSON.stringify(cursor) : null });
  }

  private async putRecon(sk: string, fields: Record<string, unknown>): Promise<void> {
    await this.options.dynamo.send(
      new PutItemCommand({
        TableName: this.options.rollupsTableName,
        Item: marshall({ pk: RECON_PK, sk, ...fields, updated_at: this.clock().toISOString() }),
      }),
    );
  }
}

function driftSk(drift: Drift): string {
  return `${drift.wallet_id}#${drift.kind}#${drift.day ?? '-'}`;
}

function driftRecordFromItem(item: Record<string, unknown>): DriftRecord {
  return {
    wallet_id: String(item.wallet_id),
    kind: item.kind as DriftKind,
    day: typeof item.day === 'string' ? item.day : null,
    details: typeof item.details === 'string' ? (JSON.parse(item.details) as Record<string, unknown>) : {},
    status: item.status === 'resolved' ? 'resolved' : 'open',
    first_seen_at: String(item.first_seen_at),
    last_seen_at: String(item.last_seen_at),
    resolved_at: typeof item.resolved_at === 'string' ? item.resolved_at : null,
  };
}
