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
  RECONCILE_FULL_RECHECK_MS,
  RECONCILE_SCAN_PAGE_ITEMS,
  RECONCILE_SCAN_PAGES_PER_RUN,
  RECONCILE_WALLET_CONCURRENCY,
  ROLLUP_RETENTION_DAYS,
  ROLLUP_SETTLE_MS,
} from '../../../shared/limits';
import { entryFromItem, ledgerEvent } from '../core/entries';
import { ENTRY_SK_PREFIX, entrySk, WALLET_SK, walletKey } from '../store/keys';
import { forEachBounded } from './bounded';
import { type HoldExpiryPort, type HoldExpiryResult, releaseExpiredHolds } from './hold-expiry';
import { type JobLogger, logJob } from './log';
import { addCounters, dayOf, ROLLUP_COUNTERS, type RollupCounters, rollupDeltas, rollupKeys } from './rollups';

const MS_PER_DAY = 86_400_000;
const STICKY_DRIFTS_MAX = 20;
/** Matched days keep their sums this long, so a late entry on them is still compared in full. */
const RECONCILE_DAY_SUMS_KEPT_DAYS = 7;
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
  /** Wallets verified up to their latest entry in this run. */
  wallets_checked: number;
  /** Wallets whose entries are being read over several runs (the checkpoint resumes them). */
  wallets_in_progress: number;
  /** Entries read in this run (each entry is read once per verification chain). */
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
  /** Entry pages read per wallet per run (the checkpoint resumes the rest next run). */
  entryPagesPerWallet?: number;
  /** Query Limit per entry page (default: DynamoDB's 1 MB pages); small values exercise resumption. */
  entryPageItems?: number;
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
    let walletsInProgress = 0;
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
        if (checked.complete) walletsChecked++;
        else walletsInProgress++;
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
      wallets_in_progress: walletsInProgress,
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

  /**
   * Checks one wallet against its entries and its rollups. Read-only on the ledger. Resumable: a
   * checkpoint (rollups table) remembers how far the entries were read and their sum, so each run
   * reads at most a bounded number of entry pages and a long history is verified over several runs.
   * A checkpoint chain older than RECONCILE_FULL_RECHECK_MS starts again from entry 1.
   */
  async checkWallet(
    walletId: string,
    settledBefore: Date,
    now: Date = this.clock(),
  ): Promise<{ entries: number; drifts: Drift[]; complete: boolean }> {
    const drifts: Drift[] = [];
    const drift = (kind: DriftKind, details: Record<string, unknown>, day: string | null = null) =>
      drifts.push({ wallet_id: walletId, kind, day, details });

    // The wallet first: entries are posted in the same transaction as the wallet update, so entries
    // 1..entry_seq all exist by the time we read them, and later postings are simply not counted.
    const walletResponse = await this.options.dynamo.send(
      new GetItemCommand({ TableName: this.options.ledgerTableName, Key: marshall(walletKey(walletId)), ConsistentRead: true }),
    );
    if (!walletResponse.Item) return { entries: 0, drifts, complete: true };
    const wallet = unmarshall(walletResponse.Item);
    const balance = Number(wallet.balance_micros);
    const held = Number(wallet.held_micros);
    const available = Number(wallet.available_micros);
    const entrySeq = Number(wallet.entry_seq);
    if (!(held >= 0 && available >= 0 && balance === held + available)) {
      drift('wallet_invariant', { balance_micros: balance, held_micros: held, available_micros: available });
    }

    let checkpoint = await this.loadCheckpoint(walletId);
    if (checkpoint && checkpoint.seq > entrySeq) {
      drift('sequence_gap', { checkpoint_seq: checkpoint.seq, entry_seq: entrySeq });
      checkpoint = undefined;
    }
    if (!checkpoint || now.getTime() - Date.parse(checkpoint.chain_started_at) > RECONCILE_FULL_RECHECK_MS) {
      checkpoint = { seq: 0, balance_micros: 0, days: {}, pruned_through: null, sticky: [], chain_started_at: now.toISOString() };
    }
    const state = checkpoint;
    // Entry-level findings stay reported until a full recheck: later runs do not re-read those entries.
    const sticky = (kind: DriftKind, details: Record<string, unknown>) => {
      if (state.sticky.length < STICKY_DRIFTS_MAX) state.sticky.push({ wallet_id: walletId, kind, day: null, details });
    };

    let count = 0;
    let cursor: Record<string, AttributeValue> | undefined;
    let complete = state.seq === entrySeq;
    for (let page = 0; page < (this.options.entryPagesPerWallet ?? RECONCILE_ENTRY_PAGES_PER_WALLET) && !complete; page++) {
      const response = await this.options.dynamo.send(
        new QueryCommand({
          TableName: this.options.ledgerTableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: marshall({ ':pk': walletKey(walletId).pk, ':first': entrySk(state.seq + 1), ':last': entrySk(entrySeq) }),
          ExclusiveStartKey: cursor,
          Limit: this.options.entryPageItems,
          ConsistentRead: true,
        }),
      );
      for (const item of response.Items ?? []) {
        count++;
        const seqFromKey = Number((item.sk?.S ?? '').slice(ENTRY_SK_PREFIX.length));
        let event: ReturnType<typeof ledgerEvent>;
        try {
          event = ledgerEvent(entryFromItem(unmarshall(item)));
          rollupDeltas(event);
        } catch (error) {
          sticky('entry_unreadable', { seq: seqFromKey, error: error instanceof Error ? error.message : String(error) });
          state.seq = seqFromKey;
          continue;
        }
        if (event.wallet_seq !== state.seq + 1) sticky('sequence_gap', { expected_seq: state.seq + 1, found_seq: event.wallet_seq });
        state.seq = event.wallet_seq;
        state.balance_micros += event.amount_micros;
        // The amounts are the truth; a wrong balance_after is reported at the first entry showing it.
        if (event.balance_after_micros !== state.balance_micros && !state.sticky.some((d) => d.kind === 'balance_after_mismatch')) {
          sticky('balance_after_mismatch', {
            seq: event.wallet_seq,
            balance_after_micros: event.balance_after_micros,
            running_sum_micros: state.balance_micros,
          });
        }
        const day = dayOf(event.created_at);
        // A (late) entry on a day already matched reopens it, with the day's full sums.
        state.days[day] = { sums: addCounters(state.days[day]?.sums ?? {}, rollupDeltas(event)[0]!.counters), matched: false };
      }
      cursor = response.LastEvaluatedKey;
      complete = !cursor;
    }
    for (const found of state.sticky) drifts.push(found);
    if (!complete) {
      await this.saveCheckpoint(walletId, state);
      return { entries: count, drifts, complete: false };
    }
    if (state.seq !== entrySeq) drift('sequence_gap', { entry_seq: entrySeq, last_entry_seq: state.seq });
    if (state.balance_micros !== balance) drift('balance_mismatch', { balance_micros: balance, entries_sum_micros: state.balance_micros });

    const rollupDays = await this.walletRollups(walletId);
    // Rollups older than their retention may already be purged by TTL: not comparable.
    const oldestComparable = dayOf(new Date(now.getTime() - (ROLLUP_RETENTION_DAYS - 1) * MS_PER_DAY).toISOString());
    const candidates = new Set([
      ...Object.entries(state.days)
        .filter(([, day]) => !day.matched)
        .map(([day]) => day),
      // A rollup day with no entries at all (since the days this chain forgot) is drift too: a phantom count.
      ...[...rollupDays.keys()].filter((day) => !state.days[day] && (state.pruned_through === null || day > state.pruned_through)),
    ]);
    for (const day of [...candidates].sort()) {
      const dayEndMs = Date.parse(`${day}T00:00:00Z`) + MS_PER_DAY;
      if (day < oldestComparable || dayEndMs > settledBefore.getTime()) continue;
      const ledger = state.days[day]?.sums ?? {};
      const rollup = rollupDays.get(day) ?? {};
      const differing = ROLLUP_COUNTERS.filter((name) => (ledger[name] ?? 0) !== (rollup[name] ?? 0));
      if (differing.length === 0) {
        if (state.days[day]) state.days[day].matched = true;
        continue;
      }
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
    // Matched days are kept a while for late entries, then forgotten; unmatched ones stay until retention.
    const keepFrom = dayOf(new Date(now.getTime() - RECONCILE_DAY_SUMS_KEPT_DAYS * MS_PER_DAY).toISOString());
    for (const [day, sums] of Object.entries(state.days)) {
      if ((sums.matched && day < keepFrom) || day < oldestComparable) {
        delete state.days[day];
        if (state.pruned_through === null || day > state.pruned_through) state.pruned_through = day;
      }
    }
    await this.saveCheckpoint(walletId, state);
    return { entries: count, drifts, complete: true };
  }

  private async loadCheckpoint(walletId: string): Promise<WalletCheckpoint | undefined> {
    const response = await this.options.dynamo.send(
      new GetItemCommand({ TableName: this.options.rollupsTableName, Key: marshall(checkpointKey(walletId)), ConsistentRead: true }),
    );
    const state = response.Item ? unmarshall(response.Item).state : undefined;
    return typeof state === 'string' ? (JSON.parse(state) as WalletCheckpoint) : undefined;
  }

  private async saveCheckpoint(walletId: string, state: WalletCheckpoint): Promise<void> {
    await this.options.dynamo.send(
      new PutItemCommand({
        TableName: this.options.rollupsTableName,
        Item: marshall({ ...checkpointKey(walletId), state: JSON.stringify(state), updated_at: this.clock().toISOString() }),
      }),
    );
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

/** How far a wallet's entries have been verified (rollups table, `RECON#WALLET#{id}` / `CHECKPOINT`). */
interface WalletCheckpoint {
  /** Entries 1..seq have been read; balance_micros is their running sum. */
  seq: number;
  balance_micros: number;
  /** Ledger sums per day (recent days, and every day that has not matched its rollup yet). */
  days: Record<string, { sums: Partial<RollupCounters>; matched: boolean }>;
  /** Days up to this one were forgotten (matched long ago, or past rollup retention). */
  pruned_through: string | null;
  /** Entry-level findings, reported at every run until a full recheck. */
  sticky: Drift[];
  /** When this chain started from entry 1. */
  chain_started_at: string;
}

function checkpointKey(walletId: string) {
  return { pk: `RECON#WALLET#${walletId}`, sk: 'CHECKPOINT' };
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
