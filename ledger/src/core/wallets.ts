// Wallets: creation, reads, the entry history, and the idempotent postings that are not usage:
// credit (top-ups), adjust (operator, signed, never below zero) and debitUpTo (refunds, disputes).
import { randomId } from '../../../shared/api-keys';
import type { EntryType } from '../../../shared/contracts/ledger-events';
import { FleeexError } from '../../../shared/errors';
import { AMOUNT_MICROS_MAX, assertMicros } from '../../../shared/money';
import { ENTRY_SK_PREFIX, entrySk, idempotencyKey, walletKey } from '../store/keys';
import { ConditionFailedError, type Item, type LedgerTable } from '../store/port';
import type { Clock } from './clock';
import { WALLET_CONTENDED_ATTEMPTS_MAX, contentionPause } from './contention';
import { type Entry, type EntryDraft, entryFromItem, entryPuts } from './entries';
import { int, str, strOrNull } from './item-fields';
import { type WalletState, type WalletViews, walletMoveOp, walletStateFromItem } from './wallet-state';

export interface Wallet {
  wallet_id: string;
  currency: 'EUR';
  balance_micros: number;
  held_micros: number;
  available_micros: number;
  entry_seq: number;
  owner_email: string | null;
  created_at: string;
}

export function walletFromItem(item: Item): Wallet {
  return {
    wallet_id: str(item, 'wallet_id'),
    currency: 'EUR',
    balance_micros: int(item, 'balance_micros'),
    held_micros: int(item, 'held_micros'),
    available_micros: int(item, 'available_micros'),
    entry_seq: int(item, 'entry_seq'),
    owner_email: strOrNull(item, 'owner_email'),
    created_at: str(item, 'created_at'),
  };
}

export interface Posted<R> {
  result: R;
  /** True when this call replayed an earlier one with the same idempotency key. */
  replayed: boolean;
}

export interface DebitUpToResult {
  /** The debit (refund, dispute withdrawal); null when the wallet had nothing available. */
  entry: Entry | null;
  /** The write-off recording the shortfall (amount 0, written_off_micros = shortfall); null when none. */
  write_off_entry: Entry | null;
  debited_micros: number;
  /** requested - debited: what the wallet could not cover (fleeex's loss). */
  shortfall_micros: number;
}

export type CreditType = Extract<EntryType, 'topup' | 'adjustment' | 'refund'>;

export interface PostingDetails {
  app_id?: string | null;
  reason?: string | null;
}

const ENTRIES_CURSOR_PATTERN = /^\d{1,12}$/;

export class Wallets {
  constructor(
    private readonly table: LedgerTable,
    private readonly views: WalletViews,
    private readonly clock: Clock,
  ) {}

  async create(input: { owner_email?: string | null } = {}): Promise<Wallet> {
    const wallet: Wallet = {
      wallet_id: randomId('wal'),
      currency: 'EUR',
      balance_micros: 0,
      held_micros: 0,
      available_micros: 0,
      entry_seq: 0,
      owner_email: input.owner_email ?? null,
      created_at: this.clock().toISOString(),
    };
    await this.table.transact([
      { kind: 'put', item: { ...walletKey(wallet.wallet_id), ...wallet }, condition: 'attribute_not_exists(pk)' },
    ]);
    return wallet;
  }

  async get(walletId: string): Promise<Wallet> {
    const item = await this.table.get(walletKey(walletId));
    if (!item) throw new FleeexError('not_found', 'wallet not found');
    return walletFromItem(item);
  }

  /** Newest first. The cursor is the sequence number of the last entry returned (opaque to callers). */
  async entries(walletId: string, limit: number, cursor: string | null): Promise<{ data: Entry[]; next_cursor: string | null }> {
    if (cursor !== null && !ENTRIES_CURSOR_PATTERN.test(cursor)) {
      throw new FleeexError('invalid_request', 'cursor is not one this API returned', { param: 'cursor' });
    }
    await this.get(walletId);
    if (cursor !== null && Number(cursor) <= 1) return { data: [], next_cursor: null };
    const upper = cursor === null ? `${ENTRY_SK_PREFIX}~` : entrySk(Number(cursor) - 1);
    const items = await this.table.query({
      pk: walletKey(walletId).pk,
      skBetween: [entrySk(1), upper],
      forward: false,
      limit: limit + 1,
    });
    const data = items.slice(0, limit).map(entryFromItem);
    const last = data.at(-1);
    return { data, next_cursor: items.length > limit && last ? String(last.seq) : null };
  }

  /** Adds money (top-up, reinstated dispute, operator credit). */
  credit(
    walletId: string,
    amountMicros: number,
    idempotencyKeyValue: string,
    type: CreditType = 'topup',
    details: PostingDetails = {},
  ): Promise<Posted<Entry>> {
    assertMicros(amountMicros);
    if (amountMicros <= 0) throw new FleeexError('invalid_request', 'a credit must be positive', { param: 'amount_micros' });
    const fingerprint = JSON.stringify(['credit', walletId, amountMicros, type, details.app_id ?? null, details.reason ?? null]);
    return this.post<Entry>(walletId, idempotencyKeyValue, fingerprint, false, () => ({
      drafts: [{ type, amount_micros: amountMicros, idempotency_key: idempotencyKeyValue, ...details }],
      result: ([entry]) => entry!,
    }));
  }

  /** Operator adjustment, signed. A debit never takes the wallet below zero: insufficient_balance. */
  adjust(walletId: string, amountMicros: number, reason: string, idempotencyKeyValue: string): Promise<Posted<Entry>> {
    assertMicros(amountMicros);
    if (amountMicros === 0) throw new FleeexError('invalid_request', 'an adjustment must not be zero', { param: 'amount_micros' });
    const fingerprint = JSON.stringify(['adjust', walletId, amountMicros, reason]);
    return this.post<Entry>(walletId, idempotencyKeyValue, fingerprint, amountMicros < 0, (state) => {
      if (amountMicros < 0 && state.available_micros < -amountMicros) {
        throw new FleeexError('insufficient_balance', 'the wallet does not have that much available');
      }
      return {
        drafts: [{ type: 'adjustment', amount_micros: amountMicros, idempotency_key: idempotencyKeyValue, reason }],
        result: ([entry]) => entry!,
      };
    });
  }

  /**
   * Debits min(amount, available) (refunds, disputes). Never goes negative: what the wallet cannot
   * cover is posted as a `write_off` entry (amount 0, written_off_micros = shortfall) in the same
   * transaction, so the loss is in the ledger and its event stream, not only in a log line.
   */
  debitUpTo(
    walletId: string,
    amountMicros: number,
    idempotencyKeyValue: string,
    type: CreditType = 'refund',
    details: PostingDetails = {},
  ): Promise<Posted<DebitUpToResult>> {
    assertMicros(amountMicros);
    if (amountMicros <= 0) throw new FleeexError('invalid_request', 'a debit must be positive', { param: 'amount_micros' });
    const fingerprint = JSON.stringify(['debit', walletId, amountMicros, type, details.app_id ?? null, details.reason ?? null]);
    return this.post<DebitUpToResult>(walletId, idempotencyKeyValue, fingerprint, true, (state) => {
      const debited = Math.min(amountMicros, state.available_micros);
      const shortfall = amountMicros - debited;
      const drafts: EntryDraft[] = [];
      if (debited > 0) drafts.push({ type, amount_micros: -debited, idempotency_key: idempotencyKeyValue, ...details });
      if (shortfall > 0) {
        drafts.push({
          type: 'write_off',
          amount_micros: 0,
          written_off_micros: shortfall,
          idempotency_key: idempotencyKeyValue,
          app_id: details.app_id ?? null,
          reason: `${details.reason ?? type}: not covered by the wallet`,
        });
      }
      return {
        drafts,
        result: (entries) => ({
          entry: debited > 0 ? entries[0]! : null,
          write_off_entry: shortfall > 0 ? entries.at(-1)! : null,
          debited_micros: debited,
          shortfall_micros: shortfall,
        }),
      };
    });
  }

  /**
   * One idempotent posting: an IDEM record (attribute_not_exists, holding the result), the wallet move
   * conditioned on its entry sequence, and the entries with their outbox items, all in one transaction.
   * `decide` sees the wallet state (fresh from the table when `freshRead` or after a failed condition).
   */
  private async post<R>(
    walletId: string,
    key: string,
    fingerprint: string,
    freshRead: boolean,
    decide: (state: WalletState) => { drafts: EntryDraft[]; result: (entries: Entry[]) => R },
  ): Promise<Posted<R>> {
    return this.views.mutex.run(walletId, async () => {
      let fresh = freshRead;
      /** The wallet as a failed condition returned it (ALL_OLD): as current as a read, without one. */
      let known: WalletState | undefined;
      for (let attempt = 0; attempt <= WALLET_CONTENDED_ATTEMPTS_MAX; attempt++) {
        const state = known ?? (await this.views.state(walletId, fresh));
        known = undefined;
        if (!state) {
          const replay = await this.replay<R>(key, fingerprint);
          if (replay) return replay;
          throw new FleeexError('not_found', 'wallet not found');
        }
        let plan: ReturnType<typeof decide>;
        try {
          plan = decide(state);
        } catch (error) {
          // A replay must return the first result even when the wallet has changed since.
          const replay = await this.replay<R>(key, fingerprint);
          if (replay) return replay;
          throw error;
        }
        const createdAt = this.clock().toISOString();
        const { entries, ops: entryOps } = entryPuts(walletId, state, plan.drafts, createdAt);
        const result = plan.result(entries);
        const delta = plan.drafts.reduce((sum, d) => sum + d.amount_micros, 0);
        const ops = [
          {
            kind: 'put' as const,
            item: { ...idempotencyKey(key), fingerprint, result: JSON.stringify(result), wallet_id: walletId, created_at: createdAt },
            condition: 'attribute_not_exists(pk)',
          },
          walletMoveOp(walletId, {
            balance_delta_micros: delta,
            held_delta_micros: 0,
            available_delta_micros: delta,
            seq: { expected: state.seq, next: state.seq + entries.length },
            available_at_least_micros: delta < 0 ? -delta : undefined,
            balance_at_most_micros: delta > 0 ? AMOUNT_MICROS_MAX - delta : undefined,
          }),
          ...entryOps,
        ];
        try {
          await this.table.transact(ops);
        } catch (error) {
          if (!(error instanceof ConditionFailedError)) {
            this.views.forget(walletId);
            throw error;
          }
          if (error.failedAt(0)) return this.replayFrom<R>(error.itemAt(0), fingerprint);
          if (error.failedAt(1) && !error.itemAt(1)) throw new FleeexError('not_found', 'wallet not found');
          if (error.failedAt(1) && delta > 0 && int(error.itemAt(1)!, 'balance_micros') > AMOUNT_MICROS_MAX - delta) {
            throw new FleeexError('invalid_request', 'the wallet balance would exceed the maximum amount', { param: 'amount_micros' });
          }
          // Another process posted first, or holds took what a debit needed: re-decide on the wallet as
          // the failed condition saw it, so a refusal (adjust) is exactly what the table said.
          this.views.forget(walletId);
          if (error.failedAt(1)) known = walletStateFromItem(error.itemAt(1)!);
          if (fresh) await contentionPause(attempt);
          fresh = true;
          continue;
        }
        this.views.remember(walletId, {
          seq: state.seq + entries.length,
          balance_micros: state.balance_micros + delta,
          held_micros: state.held_micros,
          available_micros: state.available_micros + delta,
        });
        return { result, replayed: false };
      }
      throw new FleeexError('ledger_unavailable', 'the wallet is too busy; retry');
    });
  }

  private async replay<R>(key: string, fingerprint: string): Promise<Posted<R> | undefined> {
    const item = await this.table.get(idempotencyKey(key));
    return item ? this.replayFrom<R>(item, fingerprint) : undefined;
  }

  private replayFrom<R>(item: Item | undefined, fingerprint: string): Posted<R> {
    if (!item) throw new Error('idempotency record vanished');
    if (str(item, 'fingerprint') !== fingerprint) {
      throw new FleeexError('idempotency_conflict', 'this idempotency key was used with different parameters');
    }
    return { result: JSON.parse(str(item, 'result')) as R, replayed: true };
  }
}
