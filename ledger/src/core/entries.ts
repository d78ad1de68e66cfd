// Ledger entries: append-only, one per posted change, numbered 1, 2, 3... per wallet. Posting an
// entry always writes, in the same transaction, its outbox item (the LedgerEvent the rollup pipeline
// relays), so no event is lost if the process dies right after the money moved.
import type { EntryType, LedgerEvent } from '../../../shared/contracts/ledger-events';
import { randomId } from '../../../shared/api-keys';
import { ENTRY_SK_PREFIX, entryKey, outboxKey } from '../store/keys';
import type { Item, WriteOp } from '../store/port';
import { int, intOrNull, str, strOrNull } from './item-fields';

/** What a posting operation decides; the sequence number and balance after are filled in when posted. */
export interface EntryDraft {
  type: EntryType;
  /** Signed: credits positive, debits negative. A write-off moves no money: 0. */
  amount_micros: number;
  idempotency_key: string;
  app_id?: string | null;
  model?: string | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_write_input_tokens?: number | null;
  price_version?: number | null;
  provider_cost_micros?: number | null;
  margin_micros?: number | null;
  hold_id?: string | null;
  written_off_micros?: number | null;
  reason?: string | null;
}

/** An entry as stored (every field present, null where it does not apply). */
export interface Entry {
  entry_id: string;
  wallet_id: string;
  seq: number;
  type: EntryType;
  amount_micros: number;
  balance_after_micros: number;
  app_id: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_write_input_tokens: number | null;
  price_version: number | null;
  provider_cost_micros: number | null;
  margin_micros: number | null;
  hold_id: string | null;
  written_off_micros: number | null;
  reason: string | null;
  idempotency_key: string;
  created_at: string;
}

/** The fields of an entry the admin API shows (the shape), in the order it shows them. */
export const ENTRY_VIEW_FIELDS = [
  'entry_id',
  'wallet_id',
  'type',
  'amount_micros',
  'balance_after_micros',
  'app_id',
  'model',
  'input_tokens',
  'output_tokens',
  'price_version',
  // write_off entries: what could not be taken from the wallet (their amount is 0).
  'written_off_micros',
  'reason',
  'idempotency_key',
  'created_at',
] as const satisfies readonly (keyof Entry)[];

export type EntryView = Pick<Entry, (typeof ENTRY_VIEW_FIELDS)[number]>;

/** A view of an entry: only the listed fields, in the list's order (the order a JSON body shows). */
export function pickEntryFields<K extends keyof Entry>(entry: Entry, fields: readonly K[]): Pick<Entry, K> {
  const view = {} as Pick<Entry, K>;
  for (const field of fields) view[field] = entry[field];
  return view;
}

export function entryView(entry: Entry): EntryView {
  return pickEntryFields(entry, ENTRY_VIEW_FIELDS);
}

export function entryFromItem(item: Item): Entry {
  return {
    entry_id: str(item, 'entry_id'),
    wallet_id: str(item, 'wallet_id'),
    seq: int(item, 'seq'),
    type: str(item, 'type') as EntryType,
    amount_micros: int(item, 'amount_micros'),
    balance_after_micros: int(item, 'balance_after_micros'),
    app_id: strOrNull(item, 'app_id'),
    model: strOrNull(item, 'model'),
    input_tokens: intOrNull(item, 'input_tokens'),
    output_tokens: intOrNull(item, 'output_tokens'),
    cache_read_input_tokens: intOrNull(item, 'cache_read_input_tokens'),
    cache_write_input_tokens: intOrNull(item, 'cache_write_input_tokens'),
    price_version: intOrNull(item, 'price_version'),
    provider_cost_micros: intOrNull(item, 'provider_cost_micros'),
    margin_micros: intOrNull(item, 'margin_micros'),
    hold_id: strOrNull(item, 'hold_id'),
    written_off_micros: intOrNull(item, 'written_off_micros'),
    reason: strOrNull(item, 'reason'),
    idempotency_key: str(item, 'idempotency_key'),
    created_at: str(item, 'created_at'),
  };
}

export function isEntryItem(item: Item): boolean {
  return typeof item['sk'] === 'string' && item['sk'].startsWith(ENTRY_SK_PREFIX);
}

export function ledgerEvent(entry: Entry): LedgerEvent {
  return {
    event_id: entry.entry_id,
    event_type: 'ledger.entry.posted',
    entry_id: entry.entry_id,
    wallet_id: entry.wallet_id,
    wallet_seq: entry.seq,
    type: entry.type,
    amount_micros: entry.amount_micros,
    balance_after_micros: entry.balance_after_micros,
    app_id: entry.app_id,
    model: entry.model,
    input_tokens: entry.input_tokens,
    output_tokens: entry.output_tokens,
    provider_cost_micros: entry.provider_cost_micros,
    margin_micros: entry.margin_micros,
    price_version: entry.price_version,
    written_off_micros: entry.written_off_micros,
    created_at: entry.created_at,
  };
}

/**
 * Numbers the drafts after `seq`, computes each balance after, and returns the entries with the put
 * ops for them and their outbox items (each conditioned on not existing: an entry is never replaced).
 */
export function entryPuts(
  walletId: string,
  state: { seq: number; balance_micros: number },
  drafts: readonly EntryDraft[],
  createdAt: string,
): { entries: Entry[]; ops: WriteOp[] } {
  const entries: Entry[] = [];
  const ops: WriteOp[] = [];
  let balance = state.balance_micros;
  drafts.forEach((draft, i) => {
    balance += draft.amount_micros;
    if (balance < 0) throw new Error(`entry would leave wallet ${walletId} negative`);
    const entry: Entry = {
      entry_id: randomId('ent'),
      wallet_id: walletId,
      seq: state.seq + i + 1,
      type: draft.type,
      amount_micros: draft.amount_micros,
      balance_after_micros: balance,
      app_id: draft.app_id ?? null,
      model: draft.model ?? null,
      input_tokens: draft.input_tokens ?? null,
      output_tokens: draft.output_tokens ?? null,
      cache_read_input_tokens: draft.cache_read_input_tokens ?? null,
      cache_write_input_tokens: draft.cache_write_input_tokens ?? null,
      price_version: draft.price_version ?? null,
      provider_cost_micros: draft.provider_cost_micros ?? null,
      margin_micros: draft.margin_micros ?? null,
      hold_id: draft.hold_id ?? null,
      written_off_micros: draft.written_off_micros ?? null,
      reason: draft.reason ?? null,
      idempotency_key: draft.idempotency_key,
      created_at: createdAt,
    };
    entries.push(entry);
    ops.push({ kind: 'put', item: { ...entryKey(walletId, entry.seq), ...entry }, condition: 'attribute_not_exists(pk)' });
    ops.push({
      kind: 'put',
      item: {
        ...outboxKey(walletId, createdAt, entry.entry_id),
        entry_id: entry.entry_id,
        wallet_id: walletId,
        event: JSON.stringify(ledgerEvent(entry)),
      },
      condition: 'attribute_not_exists(pk)',
    });
  });
  return { entries, ops };
}
