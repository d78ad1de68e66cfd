// Grants (a wallet's consent for one app, with an optional monthly cap) and links (an app's own user
// id -> the wallet that pays for that user). Issue 5's owner flows call these.
//
// cap_remaining_micros = cap - spent - held is stored on every grant, also uncapped ones (where the
// cap counts as 0 and the value is never shown): then one update expression serves both kinds and
// a hold's condition is simply `capped = false OR cap_remaining_micros >= :amount`.
import { FleeexError } from '../../../shared/errors';
import { APP_KEY_CACHE_TTL_MS, LEDGER_RETRIES_MAX } from '../../../shared/limits';
import { assertMicros } from '../../../shared/money';
import { GRANT_SK_PREFIX, appKey, grantKey, linkKey, walletKey } from '../store/keys';
import { ConditionFailedError, type Item, type LedgerTable } from '../store/port';
import { type Clock, capPeriod } from './clock';
import { contentionPause } from './contention';
import { int, intOrNull, str, strOrNull } from './item-fields';
import { SingleFlight } from './single-flight';
import { TtlCache } from './ttl-cache';

const LINK_CACHE_SIZE_MAX = 10_000;
const GRANTS_PER_WALLET_MAX = 1_000;

export type GrantStatus = 'active' | 'revoked';

export interface Grant {
  wallet_id: string;
  app_id: string;
  app_user_id: string | null;
  status: GrantStatus;
  /** null: no monthly cap. */
  monthly_cap_micros: number | null;
  /** The calendar month (UTC, 'YYYY-MM') the spend counts in. */
  cap_period: string;
  cap_spent_micros: number;
  cap_held_micros: number;
  /** cap - spent - held; null when uncapped. */
  cap_remaining_micros: number | null;
  created_at: string;
  revoked_at: string | null;
}

export function grantFromItem(item: Item): Grant {
  const cap = intOrNull(item, 'monthly_cap_micros');
  return {
    wallet_id: str(item, 'wallet_id'),
    app_id: str(item, 'app_id'),
    app_user_id: strOrNull(item, 'app_user_id'),
    status: str(item, 'status') as GrantStatus,
    monthly_cap_micros: cap,
    cap_period: str(item, 'cap_period'),
    cap_spent_micros: int(item, 'cap_spent_micros'),
    cap_held_micros: int(item, 'cap_held_micros'),
    cap_remaining_micros: cap === null ? null : int(item, 'cap_remaining_micros'),
    created_at: str(item, 'created_at'),
    revoked_at: strOrNull(item, 'revoked_at'),
  };
}

/**
 * The update that gives a grant a new cap. The stored remaining is (cap ?? 0) - spent - held, so a cap
 * change adds the difference of the caps to it in the write itself: holds and captures moving spent
 * and held concurrently cannot make it fail or be lost. The condition is only the cap that was read.
 * The returned grant shows spent and held as read (a view; the item stays exact).
 */
function capUpdate(existing: Grant, cap: number | null) {
  const delta = (cap ?? 0) - (existing.monthly_cap_micros ?? 0);
  const oldCap = existing.monthly_cap_micros;
  return {
    grant: {
      ...existing,
      monthly_cap_micros: cap,
      cap_remaining_micros: cap === null ? null : cap - existing.cap_spent_micros - existing.cap_held_micros,
    } satisfies Grant,
    set: 'SET monthly_cap_micros = :cap, capped = :capped, cap_remaining_micros = cap_remaining_micros + :delta',
    condition: oldCap === null ? 'capped = :false' : 'capped = :true AND monthly_cap_micros = :old_cap',
    values: {
      ':cap': cap,
      ':capped': cap !== null,
      ':delta': delta,
      ...(oldCap === null ? { ':false': false } : { ':true': true, ':old_cap': oldCap }),
    },
  };
}

function checkCap(cap: number | null | undefined): void {
  if (cap === null || cap === undefined) return;
  assertMicros(cap);
  if (cap < 0) throw new FleeexError('invalid_request', 'a monthly cap must not be negative', { param: 'monthly_cap_micros' });
}

export class Grants {
  private readonly links: TtlCache<string>;
  private readonly lookups = new SingleFlight<Item | undefined>();

  constructor(
    private readonly table: LedgerTable,
    private readonly clock: Clock,
    cacheTtlMs: number = APP_KEY_CACHE_TTL_MS,
  ) {
    this.links = new TtlCache(cacheTtlMs, LINK_CACHE_SIZE_MAX);
  }

  /** The wallet linked to an app's user, or wallet_not_authorized. Cached briefly: holds re-check the grant. */
  async linkedWallet(appId: string, appUserId: string): Promise<string> {
    const cacheKey = `${appId}\u0000${appUserId}`;
    const cached = this.links.get(cacheKey);
    if (cached) return cached;
    const item = await this.lookups.run(cacheKey, () => this.table.get(linkKey(appId, appUserId)));
    if (!item) throw new FleeexError('wallet_not_authorized', 'this user has not authorized this app to use a wallet');
    const walletId = str(item, 'wallet_id');
    this.links.set(cacheKey, walletId);
    return walletId;
  }

  /** Points an app's user at a wallet (replacing an earlier link). The wallet still needs an active grant. */
  async link(appId: string, appUserId: string, walletId: string): Promise<void> {
    await this.table.transact([
      { kind: 'check', key: walletKey(walletId), condition: 'attribute_exists(pk)' },
      {
        kind: 'put',
        item: { ...linkKey(appId, appUserId), app_id: appId, app_user_id: appUserId, wallet_id: walletId, created_at: this.clock().toISOString() },
      },
    ]).catch((error) => {
      if (error instanceof ConditionFailedError) throw new FleeexError('not_found', 'wallet not found');
      throw error;
    });
    this.links.delete(`${appId}\u0000${appUserId}`);
  }

  async get(walletId: string, appId: string): Promise<Grant | null> {
    const item = await this.table.get(grantKey(walletId, appId));
    return item ? grantFromItem(item) : null;
  }

  async list(walletId: string): Promise<Grant[]> {
    const items = await this.table.query({ pk: walletKey(walletId).pk, skBeginsWith: GRANT_SK_PREFIX, limit: GRANTS_PER_WALLET_MAX });
    return items.map(grantFromItem);
  }

  /**
   * Links app_user_id to the wallet and makes the (wallet, app) grant active, creating it when
   * missing. Idempotent on (wallet, app). `monthly_cap_micros`: undefined keeps the current cap.
   */
  async grant(input: { wallet_id: string; app_id: string; app_user_id: string; monthly_cap_micros?: number | null }): Promise<Grant> {
    checkCap(input.monthly_cap_micros);
    const now = this.clock();
    for (let attempt = 0; attempt <= LEDGER_RETRIES_MAX; attempt++) {
      const existing = await this.current(input.wallet_id, input.app_id, now);
      const link = {
        kind: 'put' as const,
        item: { ...linkKey(input.app_id, input.app_user_id), app_id: input.app_id, app_user_id: input.app_user_id, wallet_id: input.wallet_id, created_at: now.toISOString() },
      };
      const checks = [
        { kind: 'check' as const, key: walletKey(input.wallet_id), condition: 'attribute_exists(pk)' },
        { kind: 'check' as const, key: appKey(input.app_id), condition: 'attribute_exists(pk)' },
      ];
      let grantOp: Parameters<LedgerTable['transact']>[0][number];
      let grant: Grant;
      if (!existing) {
        const cap = input.monthly_cap_micros ?? null;
        grant = {
          wallet_id: input.wallet_id,
          app_id: input.app_id,
          app_user_id: input.app_user_id,
          status: 'active',
          monthly_cap_micros: cap,
          cap_period: capPeriod(now),
          cap_spent_micros: 0,
          cap_held_micros: 0,
          cap_remaining_micros: cap,
          created_at: now.toISOString(),
          revoked_at: null,
        };
        grantOp = {
          kind: 'put',
          item: { ...grantKey(input.wallet_id, input.app_id), ...grant, capped: cap !== null, cap_remaining_micros: cap ?? 0 },
          condition: 'attribute_not_exists(pk)',
        };
      } else {
        const cap = input.monthly_cap_micros === undefined ? existing.monthly_cap_micros : input.monthly_cap_micros;
        const update = capUpdate(existing, cap);
        grant = { ...update.grant, status: 'active', revoked_at: null, app_user_id: input.app_user_id };
        grantOp = {
          kind: 'update',
          key: grantKey(input.wallet_id, input.app_id),
          update: `${update.set}, #status = :active, app_user_id = :user REMOVE revoked_at`,
          condition: update.condition,
          names: { '#status': 'status' },
          values: { ...update.values, ':active': 'active', ':user': input.app_user_id },
        };
      }
      try {
        await this.table.transact([...checks, link, grantOp]);
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        if (error.failedAt(0)) throw new FleeexError('not_found', 'wallet not found');
        if (error.failedAt(1)) throw new FleeexError('not_found', 'app not found');
        // Created, or its cap changed, by a concurrent call since we read it (holds cannot cause this).
        await contentionPause(attempt);
        continue;
      }
      this.links.delete(`${input.app_id}\u0000${input.app_user_id}`);
      return grant;
    }
    throw new FleeexError('ledger_unavailable', 'the grant kept changing under concurrent edits; retry');
  }

  /** Sets (or removes, with null) the monthly cap of an existing grant. */
  async setCap(walletId: string, appId: string, cap: number | null): Promise<Grant> {
    checkCap(cap);
    const now = this.clock();
    for (let attempt = 0; attempt <= LEDGER_RETRIES_MAX; attempt++) {
      const existing = await this.current(walletId, appId, now);
      if (!existing) throw new FleeexError('not_found', 'grant not found');
      const update = capUpdate(existing, cap);
      try {
        await this.table.transact([
          { kind: 'update', key: grantKey(walletId, appId), update: update.set, condition: update.condition, values: update.values },
        ]);
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        await contentionPause(attempt); // a concurrent cap edit won: re-read and apply ours on top
        continue;
      }
      return update.grant;
    }
    throw new FleeexError('ledger_unavailable', 'the grant kept changing under concurrent edits; retry');
  }

  /** The grant, first rolled into the month of `now` when its period is over. */
  private async current(walletId: string, appId: string, now: Date): Promise<Grant | null> {
    const existing = await this.get(walletId, appId);
    if (!existing || existing.cap_period >= capPeriod(now)) return existing;
    await this.rollPeriod(walletId, appId, capPeriod(now));
    return this.get(walletId, appId);
  }

  async revoke(walletId: string, appId: string): Promise<void> {
    try {
      await this.table.transact([
        {
          kind: 'update',
          key: grantKey(walletId, appId),
          update: 'SET #status = :revoked, revoked_at = :at',
          condition: 'attribute_exists(pk)',
          names: { '#status': 'status' },
          values: { ':revoked': 'revoked', ':at': this.clock().toISOString() },
        },
      ]);
    } catch (error) {
      if (error instanceof ConditionFailedError) throw new FleeexError('not_found', 'grant not found');
      throw error;
    }
  }

  /**
   * Moves a grant whose cap period is over into `period`: spend restarts at 0, holds still pending
   * stay held. The update computes from the item's own values (DynamoDB evaluates every SET operand
   * on the item before the update), so holds and captures moving the counters cannot make it fail;
   * only an earlier roll can, and then there is nothing left to do. Applies at most once per period.
   */
  async rollPeriod(walletId: string, appId: string, period: string): Promise<void> {
    try {
      await this.table.transact([
        {
          kind: 'update',
          key: grantKey(walletId, appId),
          update: 'SET cap_period = :period, cap_spent_micros = :zero, cap_remaining_micros = cap_remaining_micros + cap_spent_micros',
          condition: 'cap_period < :period',
          values: { ':period': period, ':zero': 0 },
        },
      ]);
    } catch (error) {
      // Already in `period` or later (or gone): the caller re-decides from the grant as it is.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
}
