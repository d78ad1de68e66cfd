// Two-phase spending: hold reserves the worst case, capture posts the real cost (at most once, the
// rest released), release voids. Each is ONE TransactWriteItems whose conditions carry every check;
// a failed condition is decoded from the items as they were (ALL_OLD) and never blindly retried.
import type {
  CaptureRequest,
  CaptureResponse,
  HoldRequest,
  HoldResponse,
  ReleaseRequest,
  ReleaseResponse,
} from '../../../shared/contracts/ledger-internal';
import { FleeexError } from '../../../shared/errors';
import { HOLD_TTL_MS, LEDGER_RETRIES_MAX } from '../../../shared/limits';
import {
  type ModelPrice,
  OUTPUT_TOKENS_MIN_AFFORDABLE,
  affordableOutputTokens,
  findModelPrice,
  holdAmountMicros,
  priceUsage,
} from '../../../shared/pricing';
import { HOLD_PENDING_GSI_PK, apiKeyKey, grantKey, holdKey, walletKey } from '../store/keys';
import { ConditionFailedError, type Item, type LedgerTable, type WriteOp } from '../store/port';
import type { Apps } from './apps';
import { type Clock, capPeriod } from './clock';
import { WALLET_CONTENDED_ATTEMPTS_MAX, contentionPause } from './contention';
import { type EntryDraft, entryPuts } from './entries';
import type { Grants } from './grants';
import { RESOLVED_HOLD_RETENTION_S, holdFromItem, holdResponse, storedCapture, storedRelease } from './hold-item';
import type { Hold } from './hold-item';
import { int, str } from './item-fields';
import { KeyedLimiter } from './keyed-limiter';
import type { PriceBook } from './prices';
import { TtlCache } from './ttl-cache';
import { type WalletState, type WalletViews, walletMoveOp, walletStateFromItem } from './wallet-state';

export interface Replayable<R> {
  result: R;
  replayed: boolean;
}

export interface HoldsDeps {
  table: LedgerTable;
  clock: Clock;
  apps: Apps;
  grants: Grants;
  prices: PriceBook;
  views: WalletViews;
  holdTtlMs?: number;
}

/** Hold transactions one process sends at once for one wallet (they all race for the wallet item). */
const HOLDS_IN_FLIGHT_PER_WALLET_MAX = 16;
/**
 * Transactions a hold may send at an amount clamped to what it last saw available. Each one that fails
 * on the wallet (or cap) shows a smaller available than the amount it tried, so it only fails because
 * another writer took money first. After these, the hold tries the minimal call: a failed condition
 * at that amount IS the verdict (ALL_OLD shows less than the minimum), so contention can delay a hold
 * but never turn it into `ledger_unavailable`.
 */
const HOLD_CLAMPED_ATTEMPTS_MAX = LEDGER_RETRIES_MAX - 3;
const SHORT_WALLET_HINT_TTL_MS = 1_000;
const SHORT_WALLET_HINTS_MAX = 10_000;
const RECENT_HOLDS_MAX = 20_000;

/** Refusals that a replay of an earlier, successful hold must not get. */
const REPLAYABLE_REFUSALS = new Set(['invalid_api_key', 'wallet_not_authorized', 'model_not_found', 'insufficient_balance', 'app_cap_exceeded']);

function holdFingerprint(req: HoldRequest): string {
  return JSON.stringify([req.api_key_hash, req.app_user_id, req.model, req.input_tokens_estimate, req.output_tokens_max]);
}

function captureFingerprint(req: CaptureRequest): string {
  return JSON.stringify([
    req.input_tokens,
    req.output_tokens,
    req.cache_read_input_tokens ?? 0,
    req.cache_write_input_tokens ?? 0,
    req.usage_source,
  ]);
}

function resolvedAt(now: Date) {
  return { ':now_iso': now.toISOString(), ':purge': Math.floor(now.getTime() / 1000) + RESOLVED_HOLD_RETENTION_S };
}

interface Preflight {
  app_id: string;
  key_id: string;
  wallet_id: string;
  price: ModelPrice;
  version: number;
}

export class Holds {
  private readonly holdTtlMs: number;
  private readonly holdLimiter = new KeyedLimiter(HOLDS_IN_FLIGHT_PER_WALLET_MAX);
  /** Wallets a hold recently found short (available seen), so the next holds check with a read first. */
  private readonly shortWallets = new TtlCache<number>(SHORT_WALLET_HINT_TTL_MS, SHORT_WALLET_HINTS_MAX);
  /**
   * Holds this process created and has not seen resolved: their capture skips reading the hold. Safe
   * when stale: the capture's condition (status = pending) fails and returns the hold as it is.
   */
  private readonly recentHolds: TtlCache<Item>;

  constructor(private readonly deps: HoldsDeps) {
    this.holdTtlMs = deps.holdTtlMs ?? HOLD_TTL_MS;
    this.recentHolds = new TtlCache<Item>(this.holdTtlMs, RECENT_HOLDS_MAX);
  }

  private async holdItem(holdId: string): Promise<Item | undefined> {
    return this.recentHolds.get(holdId) ?? (await this.deps.table.get(holdKey(holdId)));
  }

  async hold(req: HoldRequest): Promise<Replayable<HoldResponse>> {
    const fingerprint = holdFingerprint(req);
    let preflight: Preflight;
    try {
      const identity = await this.deps.apps.authenticate(req.api_key_hash);
      const walletId = await this.deps.grants.linkedWallet(identity.app_id, req.app_user_id);
      const { version, price } = await this.deps.prices.currentModel(req.model);
      preflight = { app_id: identity.app_id, key_id: identity.key_id, wallet_id: walletId, price, version: version.version };
    } catch (error) {
      return this.replayOrThrow(req, fingerprint, error);
    }
    return this.holdLimiter.run(preflight.wallet_id, () => this.reserve(req, fingerprint, preflight));
  }

  /** A replay answers with its first result even if the key, link, model or balance has changed since. */
  private async replayOrThrow(req: HoldRequest, fingerprint: string, error: unknown): Promise<Replayable<HoldResponse>> {
    if (error instanceof FleeexError && REPLAYABLE_REFUSALS.has(error.code)) {
      const existing = await this.deps.table.get(holdKey(req.hold_id));
      if (existing) return this.replayHold(existing, fingerprint);
    }
    throw error;
  }

  private async reserve(
    req: HoldRequest,
    fingerprint: string,
    preflight: Preflight,
  ): Promise<Replayable<HoldResponse>> {
    const { price } = preflight;
    const requested = Math.min(req.output_tokens_max, price.output_tokens_max);
    const floor = Math.max(1, Math.min(requested, OUTPUT_TOKENS_MIN_AFFORDABLE));
    let tokens = requested;
    let walletLimit: number | undefined;
    let capLimit: number | undefined;
    let periodOverride: string | undefined;
    const affordable = (budget: number) => affordableOutputTokens(price, req.input_tokens_estimate, requested, budget);
    /** Shrinks the output tokens to what the known limits allow, or refuses with the binding limit's code. */
    const clampOrRefuse = () => {
      tokens = affordable(Math.min(walletLimit ?? Number.MAX_SAFE_INTEGER, capLimit ?? Number.MAX_SAFE_INTEGER));
      if (tokens >= floor) return;
      throw walletLimit !== undefined && affordable(walletLimit) < floor
        ? new FleeexError('insufficient_balance', 'the wallet cannot pay for this call')
        : new FleeexError('app_cap_exceeded', "this app has reached the wallet owner's monthly cap");
    };

    for (let attempt = 0; attempt <= LEDGER_RETRIES_MAX; attempt++) {
      const now = this.deps.clock();
      const period = periodOverride ?? capPeriod(now);
      if (attempt > HOLD_CLAMPED_ATTEMPTS_MAX) tokens = Math.min(tokens, floor);
      const amount = holdAmountMicros(price, req.input_tokens_estimate, tokens);
      const seenShort = this.shortWallets.get(preflight.wallet_id);
      if (walletLimit === undefined && seenShort !== undefined && seenShort < amount) {
        // A hold just found this wallet short: confirm with a consistent read instead of a transaction
        // that would likely fail. A refusal is only ever decided on what the table says now.
        const wallet = await this.deps.table.get(walletKey(preflight.wallet_id));
        if (!wallet) throw new FleeexError('wallet_not_authorized', 'the linked wallet does not exist');
        const available = int(wallet, 'available_micros');
        if (available < amount) {
          walletLimit = available;
          try {
            clampOrRefuse();
          } catch (refusal) {
            return this.replayOrThrow(req, fingerprint, refusal);
          }
          continue;
        }
        this.shortWallets.delete(preflight.wallet_id);
      }
      const expiresAtMs = now.getTime() + this.holdTtlMs;
      const hold: Hold = {
        hold_id: req.hold_id,
        wallet_id: preflight.wallet_id,
        app_id: preflight.app_id,
        key_id: preflight.key_id,
        app_user_id: req.app_user_id,
        model: req.model,
        price_version: preflight.version,
        amount_micros: amount,
        input_tokens_estimate: req.input_tokens_estimate,
        output_tokens_requested: req.output_tokens_max,
        output_tokens_max: tokens,
        status: 'pending',
        created_at: now.toISOString(),
        expires_at: new Date(expiresAtMs).toISOString(),
        expires_at_ms: expiresAtMs,
        cap_period: period,
        fingerprint,
        resolution: null,
        resolution_fingerprint: null,
      };
      const holdItem = { ...holdKey(req.hold_id), ...hold, gsi1pk: HOLD_PENDING_GSI_PK, gsi1sk: `${hold.expires_at}#${req.hold_id}` };
      const ops: WriteOp[] = [
        {
          kind: 'check',
          key: apiKeyKey(req.api_key_hash),
          condition: '#status = :active AND app_id = :app',
          names: { '#status': 'status' },
          values: { ':active': 'active', ':app': preflight.app_id },
        },
        {
          kind: 'update',
          key: grantKey(preflight.wallet_id, preflight.app_id),
          update: 'SET cap_held_micros = cap_held_micros + :amount, cap_remaining_micros = cap_remaining_micros - :amount',
          condition: '#status = :active AND cap_period = :period AND (capped = :false OR cap_remaining_micros >= :amount)',
          names: { '#status': 'status' },
          values: { ':active': 'active', ':period': period, ':false': false, ':amount': amount },
        },
        walletMoveOp(preflight.wallet_id, {
          balance_delta_micros: 0,
          held_delta_micros: amount,
          available_delta_micros: -amount,
          available_at_least_micros: amount,
        }),
        { kind: 'put', item: holdItem, condition: 'attribute_not_exists(pk)' },
      ];
      try {
        await this.deps.table.transact(ops);
        this.recentHolds.set(req.hold_id, holdItem);
        return { result: holdResponse(hold), replayed: false };
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        if (error.failedAt(3)) return this.replayHold(error.itemAt(3), fingerprint);
        if (error.failedAt(0)) throw new FleeexError('invalid_api_key', 'the API key is not valid');
        if (error.failedAt(1)) {
          const grant = error.itemAt(1);
          if (grant?.['status'] !== 'active') {
            throw new FleeexError('wallet_not_authorized', 'the wallet owner has not authorized this app');
          }
          const grantPeriod = str(grant, 'cap_period');
          if (grantPeriod < period) {
            await this.deps.grants.rollPeriod(preflight.wallet_id, preflight.app_id, period);
            continue;
          }
          if (grantPeriod > period) {
            periodOverride = grantPeriod; // this process's clock is behind the one that rolled the grant
            continue;
          }
          const remaining = int(grant, 'cap_remaining_micros');
          // Paired assertion: with the grant active and in this period, only the cap can have failed.
          if (grant['capped'] !== true || remaining >= amount) {
            throw new Error(`hold ${req.hold_id}: the grant condition failed with ${remaining} left for ${amount}`);
          }
          capLimit = remaining;
        }
        if (error.failedAt(2)) {
          const wallet = error.itemAt(2);
          if (!wallet) throw new FleeexError('wallet_not_authorized', 'the linked wallet does not exist');
          walletLimit = int(wallet, 'available_micros');
          // Paired assertion: the only money condition on the wallet is available >= amount.
          if (walletLimit >= amount) throw new Error(`hold ${req.hold_id}: wallet condition failed with ${walletLimit} available for ${amount}`);
          this.shortWallets.set(preflight.wallet_id, walletLimit);
        }
        clampOrRefuse();
      }
    }
    // Reached only if the grant's cap period kept moving under this hold: not a verdict on the money.
    throw new FleeexError('ledger_unavailable', 'the grant kept changing period; retry');
  }

  async capture(holdId: string, req: CaptureRequest): Promise<Replayable<CaptureResponse>> {
    const fingerprint = captureFingerprint(req);
    let item = await this.holdItem(holdId);
    if (!item) throw new FleeexError('hold_not_found', 'no such hold');
    const walletId = str(item, 'wallet_id');
    return this.deps.views.mutex.run(walletId, async () => {
      let fresh = false;
      /** The wallet as a failed condition returned it (ALL_OLD): as current as a read, without one. */
      let known: WalletState | undefined;
      for (let attempt = 0; attempt <= WALLET_CONTENDED_ATTEMPTS_MAX; attempt++) {
        const hold = holdFromItem(item!);
        const now = this.deps.clock();
        if (hold.status === 'captured') {
          if (hold.resolution_fingerprint !== fingerprint) {
            throw new FleeexError('idempotency_conflict', 'this hold was captured with different usage');
          }
          return { result: storedCapture(hold), replayed: true };
        }
        if (hold.status === 'released') throw new FleeexError('hold_already_resolved', 'this hold was released');
        if (now.getTime() >= hold.expires_at_ms) throw new FleeexError('hold_expired', 'this hold expired; it can only be released');

        const version = await this.deps.prices.version(hold.price_version);
        const price = findModelPrice(version, hold.model);
        if (!price) throw new FleeexError('internal_error', `model ${hold.model} missing from price version ${hold.price_version}`);
        const priced = priceUsage(price, req);
        const amount = hold.amount_micros;
        // Taking more than the hold needs the wallet's true available amount: always read it fresh then.
        const state = known ?? (await this.deps.views.state(walletId, fresh || priced.cost_micros > amount));
        known = undefined;
        if (!state) throw new FleeexError('internal_error', 'the wallet of a hold is missing');
        if (state.held_micros < amount) {
          // A pending hold is part of its wallet's held amount: our view of the hold or the wallet is stale.
          this.recentHolds.delete(holdId);
          item = await this.deps.table.get(holdKey(holdId));
          if (!item) throw new FleeexError('hold_not_found', 'no such hold');
          fresh = true;
          continue;
        }
        const charged = Math.min(priced.cost_micros, amount + state.available_micros);
        const writtenOff = priced.cost_micros - charged;
        const providerShare = Math.min(priced.provider_cost_micros, charged);
        const usage = {
          app_id: hold.app_id,
          model: hold.model,
          input_tokens: req.input_tokens,
          output_tokens: req.output_tokens,
          cache_read_input_tokens: req.cache_read_input_tokens ?? 0,
          cache_write_input_tokens: req.cache_write_input_tokens ?? 0,
          price_version: hold.price_version,
          hold_id: hold.hold_id,
          idempotency_key: hold.hold_id,
        };
        const drafts: EntryDraft[] = [];
        if (priced.cost_micros > 0) {
          drafts.push({ ...usage, type: 'usage', amount_micros: -charged, provider_cost_micros: providerShare, margin_micros: charged - providerShare });
        }
        if (writtenOff > 0) {
          drafts.push({ ...usage, type: 'write_off', amount_micros: 0, written_off_micros: writtenOff, provider_cost_micros: null, margin_micros: null });
        }
        const { entries, ops: entryOps } = entryPuts(walletId, state, drafts, now.toISOString());
        const response: CaptureResponse = {
          hold_id: hold.hold_id,
          status: 'captured',
          entry_id: entries[0]?.entry_id ?? null,
          price_version: hold.price_version,
          cost_micros: priced.cost_micros,
          charged_micros: charged,
          written_off_micros: writtenOff,
          released_micros: Math.max(0, amount - charged),
          balance_after_micros: state.balance_micros - charged,
        };
        const ops: WriteOp[] = [
          {
            kind: 'update',
            key: holdKey(hold.hold_id),
            update:
              'SET #status = :captured, resolution = :resolution, resolution_fingerprint = :fp, resolved_at = :now_iso, purge_at = :purge REMOVE gsi1pk, gsi1sk',
            condition: '#status = :pending AND expires_at_ms > :now_ms',
            names: { '#status': 'status' },
            values: {
              ':captured': 'captured',
              ':pending': 'pending',
              ':resolution': JSON.stringify(response),
              ':fp': fingerprint,
              ':now_ms': now.getTime(),
              ...resolvedAt(now),
            },
          },
          walletMoveOp(walletId, {
            balance_delta_micros: -charged,
            held_delta_micros: -amount,
            available_delta_micros: amount - charged,
            seq: { expected: state.seq, next: state.seq + entries.length },
            available_at_least_micros: charged - amount,
            held_at_least_micros: amount,
          }),
          {
            kind: 'update',
            key: grantKey(walletId, hold.app_id),
            update:
              'SET cap_spent_micros = cap_spent_micros + :charged, cap_held_micros = cap_held_micros - :amount, cap_remaining_micros = cap_remaining_micros + :delta',
            condition: 'attribute_exists(pk)',
            values: { ':charged': charged, ':amount': amount, ':delta': amount - charged },
          },
          ...entryOps,
        ];
        try {
          await this.deps.table.transact(ops);
        } catch (error) {
          this.deps.views.forget(walletId);
          if (!(error instanceof ConditionFailedError)) {
            this.recentHolds.delete(holdId); // the outcome is unknown: read the hold next time
            throw error;
          }
          if (error.failedAt(0)) {
            this.recentHolds.delete(holdId);
            const current = error.itemAt(0);
            if (!current) throw new FleeexError('hold_not_found', 'no such hold');
            item = current;
            continue;
          }
          if (error.failedAt(2)) throw new FleeexError('internal_error', 'the grant of a hold is missing');
          // The wallet moved (another process posted, or holds took what a write-off needed), or this
          // process's view was stale: re-decide on the wallet as the failed condition saw it.
          const wallet = error.failedAt(1) ? error.itemAt(1) : undefined;
          if (wallet) known = walletStateFromItem(wallet);
          if (fresh) await contentionPause(attempt);
          fresh = true;
          continue;
        }
        this.recentHolds.delete(holdId);
        this.deps.views.remember(walletId, {
          seq: state.seq + entries.length,
          balance_micros: state.balance_micros - charged,
          held_micros: state.held_micros - amount,
          available_micros: state.available_micros + amount - charged,
        });
        return { result: response, replayed: false };
      }
      throw new FleeexError('ledger_unavailable', 'the wallet is too busy; retry');
    });
  }

  /** Voids a pending hold (also after expiry). Idempotent: a released hold answers its first result. */
  async release(holdId: string, req: ReleaseRequest): Promise<Replayable<ReleaseResponse>> {
    let item = await this.holdItem(holdId);
    for (let attempt = 0; attempt <= LEDGER_RETRIES_MAX; attempt++) {
      if (!item) throw new FleeexError('hold_not_found', 'no such hold');
      const hold = holdFromItem(item);
      if (hold.status === 'released') return { result: storedRelease(hold), replayed: true };
      if (hold.status === 'captured') throw new FleeexError('hold_already_resolved', 'this hold was captured');
      const now = this.deps.clock();
      // 'expired' voids a hold its gateway may still capture, so that claim is checked in the write too
      // (the expiry job decides from an index read): a live hold is never released as expired.
      const expiring = req.reason === 'expired';
      if (expiring && now.getTime() < hold.expires_at_ms) {
        throw new FleeexError('invalid_request', 'this hold has not expired; release it with the reason that applies', { param: 'reason' });
      }
      const amount = hold.amount_micros;
      const response: ReleaseResponse = { hold_id: hold.hold_id, status: 'released', released_micros: amount };
      try {
        await this.deps.table.transact([
          {
            kind: 'update',
            key: holdKey(hold.hold_id),
            update:
              'SET #status = :released, resolution = :resolution, released_reason = :reason, resolved_at = :now_iso, purge_at = :purge REMOVE gsi1pk, gsi1sk',
            condition: expiring ? '#status = :pending AND expires_at_ms <= :now_ms' : '#status = :pending',
            names: { '#status': 'status' },
            values: {
              ':released': 'released',
              ':pending': 'pending',
              ':resolution': JSON.stringify(response),
              ':reason': req.reason,
              ...resolvedAt(now),
              ...(expiring ? { ':now_ms': now.getTime() } : {}),
            },
          },
          walletMoveOp(hold.wallet_id, {
            balance_delta_micros: 0,
            held_delta_micros: -amount,
            available_delta_micros: amount,
            held_at_least_micros: amount,
          }),
          {
            kind: 'update',
            key: grantKey(hold.wallet_id, hold.app_id),
            update: 'SET cap_held_micros = cap_held_micros - :amount, cap_remaining_micros = cap_remaining_micros + :amount',
            condition: 'attribute_exists(pk)',
            values: { ':amount': amount },
          },
        ]);
      } catch (error) {
        this.recentHolds.delete(holdId);
        if (!(error instanceof ConditionFailedError)) throw error;
        if (error.failedAt(0)) {
          item = error.itemAt(0);
          continue;
        }
        throw new FleeexError('internal_error', 'a hold could not be released: its wallet or grant is inconsistent');
      }
      this.recentHolds.delete(holdId);
      return { result: response, replayed: false };
    }
    throw new FleeexError('ledger_unavailable', 'the hold is too busy; retry');
  }

  /** Pending holds whose expiry is before `at`, oldest first (for the expiry job, which releases them). */
  async expiredPending(at: Date, limit: number): Promise<Hold[]> {
    const items = await this.deps.table.query({
      pk: HOLD_PENDING_GSI_PK,
      index: 'gsi1',
      skBetween: ['0', `${at.toISOString()}#~`],
      limit,
    });
    return items.map(holdFromItem).filter((hold) => hold.status === 'pending' && hold.expires_at_ms <= at.getTime());
  }

  private replayHold(item: Item | undefined, fingerprint: string): Replayable<HoldResponse> {
    if (!item) throw new Error('hold vanished');
    const hold = holdFromItem(item);
    if (hold.fingerprint !== fingerprint) {
      throw new FleeexError('idempotency_conflict', 'this hold id was used with different parameters');
    }
    return { result: holdResponse(hold), replayed: true };
  }
}
