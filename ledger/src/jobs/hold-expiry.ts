// Releases pending holds past their expiry through the ledger core (the only writer of money): the
// sparse HOLD_PENDING index lists them oldest first; each release restores the wallet's available
// amount and the grant's cap. A hold captured in the meantime answers hold_already_resolved: skipped.
//
// Who pays for a hold left behind by a gateway that died mid-stream: nobody is charged for the
// tokens Bedrock produced (the capture never happened), so fleeex absorbs that provider cost; the
// wallet owner only loses the use of the held amount until expiry (HOLD_TTL_MS plus at most one
// reconciliation interval), then gets all of it back.
import { FleeexError } from '../../../shared/errors';
import { HOLD_EXPIRY_PAGE_ITEMS, HOLD_EXPIRY_PAGES_PER_RUN } from '../../../shared/limits';
import { addMicros } from '../../../shared/money';
import { type JobLogger, logJob } from './log';

/** The slice of the ledger core's Holds the expiry job uses (LedgerService.holds satisfies it). */
export interface HoldExpiryPort {
  expiredPending(at: Date, limit: number): Promise<Array<{ hold_id: string; wallet_id: string; amount_micros: number }>>;
  release(holdId: string, req: { reason: 'expired' }): Promise<{ result: { released_micros: number }; replayed: boolean }>;
}

export interface HoldExpiryResult {
  released: number;
  released_micros: number;
  failed: number;
  /** True when the page bound stopped the run with expired holds left. */
  more: boolean;
}

export async function releaseExpiredHolds(
  holds: HoldExpiryPort,
  now: Date,
  options: { pages?: number; pageItems?: number; log?: JobLogger } = {},
): Promise<HoldExpiryResult> {
  const log = options.log ?? logJob;
  const pageItems = options.pageItems ?? HOLD_EXPIRY_PAGE_ITEMS;
  const result: HoldExpiryResult = { released: 0, released_micros: 0, failed: 0, more: false };
  const failedIds = new Set<string>();
  for (let page = 0; page < (options.pages ?? HOLD_EXPIRY_PAGES_PER_RUN); page++) {
    // Released holds leave the index, so each page starts from the oldest still pending.
    const expired = (await holds.expiredPending(now, pageItems + failedIds.size)).filter((hold) => !failedIds.has(hold.hold_id));
    if (expired.length === 0) return result;
    for (const hold of expired) {
      try {
        const released = await holds.release(hold.hold_id, { reason: 'expired' });
        if (!released.replayed) {
          result.released++;
          result.released_micros = addMicros(result.released_micros, released.result.released_micros);
        }
      } catch (error) {
        if (error instanceof FleeexError && error.code === 'hold_already_resolved') continue;
        failedIds.add(hold.hold_id);
        result.failed++;
        log('error', 'hold_expiry_failed', {
          hold_id: hold.hold_id,
          wallet_id: hold.wallet_id,
          error: error instanceof Error ? error.message : String(error),
        }, true);
      }
    }
    if (expired.length < pageItems) return result;
  }
  result.more = true;
  return result;
}
