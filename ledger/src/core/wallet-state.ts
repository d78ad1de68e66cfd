// A wallet's money fields, the update op that moves them, and the per-process view of each wallet's
// entry sequence (a cache: the `entry_seq = :seq` condition makes a stale view fail, never post).
import { walletKey } from '../store/keys';
import type { Item, LedgerTable, WriteOp } from '../store/port';
import { int } from './item-fields';
import { KeyedMutex } from './keyed-mutex';
import { TtlCache } from './ttl-cache';

export interface WalletState {
  seq: number;
  balance_micros: number;
  held_micros: number;
  available_micros: number;
}

export function walletStateFromItem(item: Item): WalletState {
  const state = {
    seq: int(item, 'entry_seq'),
    balance_micros: int(item, 'balance_micros'),
    held_micros: int(item, 'held_micros'),
    available_micros: int(item, 'available_micros'),
  };
  // Paired assertion: what every write keeps true must also be true of what we read back.
  if (state.held_micros < 0 || state.available_micros < 0 || state.balance_micros !== state.held_micros + state.available_micros) {
    throw new Error(`wallet ${String(item['wallet_id'])} violates its invariants`);
  }
  return state;
}

export interface WalletMove {
  balance_delta_micros: number;
  held_delta_micros: number;
  /** Must equal balance delta - held delta (available = balance - held). */
  available_delta_micros: number;
  /** Condition: the wallet's entry_seq is exactly this, and becomes `seq_next`. */
  seq?: { expected: number; next: number };
  /** Condition: available_micros >= this before the move. */
  available_at_least_micros?: number;
  /** Condition: held_micros >= this before the move. */
  held_at_least_micros?: number;
  /** Condition: balance_micros <= this before the move (overflow guard for credits). */
  balance_at_most_micros?: number;
}

export function walletMoveOp(walletId: string, move: WalletMove): WriteOp {
  if (move.available_delta_micros !== move.balance_delta_micros - move.held_delta_micros) {
    throw new Error('wallet move breaks available = balance - held');
  }
  const conditions = ['attribute_exists(pk)'];
  const values: Record<string, unknown> = {
    ':db': move.balance_delta_micros,
    ':dh': move.held_delta_micros,
    ':da': move.available_delta_micros,
  };
  let update = 'SET balance_micros = balance_micros + :db, held_micros = held_micros + :dh, available_micros = available_micros + :da';
  if (move.seq) {
    conditions.push('entry_seq = :seq');
    values[':seq'] = move.seq.expected;
    values[':seq_next'] = move.seq.next;
    update += ', entry_seq = :seq_next';
  }
  if (move.available_at_least_micros !== undefined && move.available_at_least_micros > 0) {
    conditions.push('available_micros >= :available_min');
    values[':available_min'] = move.available_at_least_micros;
  }
  if (move.held_at_least_micros !== undefined && move.held_at_least_micros > 0) {
    conditions.push('held_micros >= :held_min');
    values[':held_min'] = move.held_at_least_micros;
  }
  if (move.balance_at_most_micros !== undefined) {
    conditions.push('balance_micros <= :balance_max');
    values[':balance_max'] = move.balance_at_most_micros;
  }
  return { kind: 'update', key: walletKey(walletId), update, condition: conditions.join(' AND '), values };
}

const WALLET_VIEW_TTL_MS = 60_000;
const WALLET_VIEWS_MAX = 10_000;

/** Per-wallet serialisation of entry posting in this process, plus the last state it saw. */
export class WalletViews {
  readonly mutex = new KeyedMutex();
  private readonly views = new TtlCache<WalletState>(WALLET_VIEW_TTL_MS, WALLET_VIEWS_MAX);

  constructor(private readonly table: LedgerTable) {}

  /** The cached view, or a fresh read. Undefined when the wallet does not exist. */
  async state(walletId: string, fresh = false): Promise<WalletState | undefined> {
    if (!fresh) {
      const cached = this.views.get(walletId);
      if (cached) return cached;
    }
    const item = await this.table.get(walletKey(walletId));
    if (!item) return undefined;
    const state = walletStateFromItem(item);
    this.views.set(walletId, state);
    return state;
  }

  remember(walletId: string, state: WalletState): void {
    this.views.set(walletId, state);
  }

  forget(walletId: string): void {
    this.views.delete(walletId);
  }
}
