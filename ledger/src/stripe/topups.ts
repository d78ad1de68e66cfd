// Top-ups and everything Stripe tells us about them afterwards.
//
// Exactly once: the credit for a payment is posted by the ledger core with the idempotency key
// `stripe:checkout:{checkout session id}`; the core writes that key's IDEM record in the SAME
// transaction as the entry and the balance change. `checkout.session.completed` (paid) and
// `checkout.session.async_payment_succeeded` for one session use the same key and the same
// parameters, so whichever arrives first credits and every other delivery (duplicates, the other
// event, concurrent retries) replays the stored result and moves nothing. The STRIPE_EVENT record is
// written after the outcome is durable: it is the audit trail and a fast path for duplicates, never
// what makes the credit happen once.
//
// Refunds (`charge.refunded`, cumulative `amount_refunded`): the top-up item records each cumulative
// step as a debit owed (conditioned on the previous cumulative value, so racing deliveries cannot
// both claim the same cents), then every owed debit is posted with debitUpTo under its own key
// (replayed, never repeated). A wallet that already spent the money is debited what it still holds;
// the rest is the shortfall, fleeex's loss: posted with the debit as a `write_off` entry (amount 0,
// written_off_micros = shortfall) and logged.
// Disputes: `charge.dispute.funds_withdrawn` debits the disputed amount the same way (up to what is
// available); `charge.dispute.funds_reinstated` credits back exactly what that withdrawal took.
// `charge.dispute.created` and `closed` move nothing: money moves only when Stripe moves it.
import { randomId } from '../../../shared/api-keys';
import { FleeexError } from '../../../shared/errors';
import { MICROS_PER_CENT, centsToMicros, formatEurCents } from '../../../shared/money';
import { TOPUP_MAX_MICROS, TOPUP_MIN_MICROS } from '../owner/limits';
import type { LedgerPort } from '../owner/ports';
import type { OwnerStore, TopupItem } from '../owner/store';
import type { CheckoutPort } from './checkout';
import { type Charge, ChargeSchema, type CheckoutSession, CheckoutSessionSchema, type Dispute, DisputeSchema, idOf } from './events';

const REFUND_RECORD_ATTEMPTS_MAX = 8;

export interface StripeEventLike {
  id: string;
  type: string;
  data: { object: unknown };
}

export type EventOutcome =
  | 'credited'
  | 'awaiting_payment'
  | 'refund_debited'
  | 'dispute_debited'
  | 'dispute_reinstated'
  | 'nothing_to_do'
  | 'unmatched'
  | 'ignored';

export class TopupService {
  constructor(
    private readonly deps: {
      store: OwnerStore;
      ledger: LedgerPort;
      checkout: CheckoutPort;
      now: () => Date;
      log: (line: Record<string, unknown>) => void;
    },
  ) {}

  /** Creates the top-up and its checkout; returns where to send the owner to pay. */
  async start(input: { wallet_id: string; owner_email: string; amount_micros: number; success_url: string; cancel_url: string }): Promise<{ topup_id: string; url: string }> {
    if (input.amount_micros < TOPUP_MIN_MICROS || input.amount_micros > TOPUP_MAX_MICROS || input.amount_micros % MICROS_PER_CENT !== 0) {
      const range = `€${formatEurCents(TOPUP_MIN_MICROS, 'ceil')} and €${formatEurCents(TOPUP_MAX_MICROS, 'floor')}`;
      throw new FleeexError('topup_out_of_range', `Choose an amount between ${range}, in whole cents.`, { param: 'amount' });
    }
    const topup: TopupItem = {
      topup_id: randomId('top'),
      wallet_id: input.wallet_id,
      amount_micros: input.amount_micros,
      status: 'created',
      checkout_session_id: null,
      payment_intent_id: null,
      created_at: this.deps.now().toISOString(),
      refunded_cents: 0,
      debits: {},
    };
    await this.deps.store.putTopup(topup);
    const checkout = await this.deps.checkout.create({
      topup_id: topup.topup_id,
      wallet_id: topup.wallet_id,
      amount_micros: topup.amount_micros,
      owner_email: input.owner_email,
      success_url: input.success_url,
      cancel_url: input.cancel_url,
    });
    await this.deps.store.setTopupCheckoutSession(topup.topup_id, checkout.checkout_session_id);
    return { topup_id: topup.topup_id, url: checkout.url };
  }

  async handleEvent(event: StripeEventLike): Promise<EventOutcome> {
    if (await this.deps.store.hasStripeEvent(event.id)) return 'nothing_to_do';
    const outcome = await this.dispatch(event);
    await this.deps.store.putStripeEvent(event.id, event.type, outcome, this.deps.now());
    this.deps.log({ msg: 'stripe event', event_id: event.id, type: event.type, outcome });
    return outcome;
  }

  private dispatch(event: StripeEventLike): Promise<EventOutcome> {
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = CheckoutSessionSchema.parse(event.data.object);
        return session.payment_status === 'paid' ? this.fulfil(session) : Promise.resolve('awaiting_payment');
      }
      case 'checkout.session.async_payment_succeeded':
        return this.fulfil(CheckoutSessionSchema.parse(event.data.object));
      case 'charge.refunded':
        return this.refund(ChargeSchema.parse(event.data.object));
      case 'charge.dispute.funds_withdrawn':
        return this.disputeWithdrawn(DisputeSchema.parse(event.data.object));
      case 'charge.dispute.funds_reinstated':
        return this.disputeReinstated(DisputeSchema.parse(event.data.object));
      default:
        return Promise.resolve('ignored');
    }
  }

  private async fulfil(session: CheckoutSession): Promise<EventOutcome> {
    const topupId = session.metadata?.['topup_id'] ?? session.client_reference_id ?? null;
    const topup = topupId ? await this.deps.store.getTopup(topupId) : null;
    if (!topup || session.metadata?.['wallet_id'] !== topup.wallet_id) {
      this.deps.log({ msg: 'checkout session matches no top-up', checkout_session_id: session.id });
      return 'unmatched';
    }
    if (session.currency !== 'eur' || session.amount_total === null || session.amount_total <= 0) {
      this.deps.log({ msg: 'checkout session not in EUR or without amount', checkout_session_id: session.id });
      return 'unmatched';
    }
    // What Stripe says was paid is what the wallet gets (normally exactly what the top-up asked).
    await this.deps.ledger.credit({
      wallet_id: topup.wallet_id,
      amount_micros: centsToMicros(session.amount_total),
      idempotency_key: `stripe:checkout:${session.id}`,
      type: 'topup',
      reason: `Stripe Checkout ${session.id}`,
    });
    await this.deps.store.markTopupCredited(topup.topup_id, idOf(session.payment_intent));
    return 'credited';
  }

  private async topupFor(paymentIntentId: string | null, metadata: Record<string, string> | null | undefined): Promise<TopupItem | null> {
    const byIntent = paymentIntentId ? await this.deps.store.topupByPaymentIntent(paymentIntentId) : null;
    if (byIntent) return byIntent;
    const topupId = metadata?.['topup_id'];
    return topupId ? this.deps.store.getTopup(topupId) : null;
  }

  private async refund(charge: Charge): Promise<EventOutcome> {
    let topup = await this.topupFor(idOf(charge.payment_intent), charge.metadata);
    if (!topup) {
      this.deps.log({ msg: 'refund matches no top-up', charge_id: charge.id });
      return 'unmatched';
    }
    for (let attempt = 0; topup && charge.amount_refunded > topup.refunded_cents; attempt++) {
      if (attempt >= REFUND_RECORD_ATTEMPTS_MAX) throw new FleeexError('ledger_unavailable', 'refund recording kept conflicting; retry');
      const previousCents = topup.refunded_cents;
      const recorded = await this.deps.store.recordTopupDebit(
        topup.topup_id,
        `refund:${charge.amount_refunded}`,
        centsToMicros(charge.amount_refunded - previousCents),
        { previousCents, cumulativeCents: charge.amount_refunded },
      );
      if (recorded) break;
      topup = await this.deps.store.getTopup(topup.topup_id);
    }
    await this.settleDebits(topup!.topup_id);
    return 'refund_debited';
  }

  private async disputeWithdrawn(dispute: Dispute): Promise<EventOutcome> {
    const topup = await this.topupFor(idOf(dispute.payment_intent), null);
    if (!topup) {
      this.deps.log({ msg: 'dispute matches no top-up', dispute_id: dispute.id });
      return 'unmatched';
    }
    await this.deps.store.recordTopupDebit(topup.topup_id, `dispute:${dispute.id}`, centsToMicros(dispute.amount), null);
    await this.settleDebits(topup.topup_id);
    return 'dispute_debited';
  }

  private async disputeReinstated(dispute: Dispute): Promise<EventOutcome> {
    const topup = await this.topupFor(idOf(dispute.payment_intent), null);
    if (!topup) {
      this.deps.log({ msg: 'dispute matches no top-up', dispute_id: dispute.id });
      return 'unmatched';
    }
    // Delivered before the withdrawal: record a zero debit so a late withdrawal takes nothing.
    await this.deps.store.recordTopupDebit(topup.topup_id, `dispute:${dispute.id}`, 0, null);
    const debited = (await this.settleDebits(topup.topup_id)).get(`dispute:${dispute.id}`) ?? 0;
    if (debited > 0) {
      await this.deps.ledger.credit({
        wallet_id: topup.wallet_id,
        amount_micros: debited,
        idempotency_key: `stripe:topup:${topup.topup_id}:dispute:${dispute.id}:reinstated`,
        type: 'adjustment',
        reason: `Stripe dispute ${dispute.id} won: funds reinstated`,
      });
    }
    return 'dispute_reinstated';
  }

  /** Posts every debit the top-up owes (each idempotent); returns what each actually took. */
  private async settleDebits(topupId: string): Promise<Map<string, number>> {
    const topup = await this.deps.store.getTopup(topupId);
    const taken = new Map<string, number>();
    if (!topup) return taken;
    for (const [debitKey, amountMicros] of Object.entries(topup.debits)) {
      if (amountMicros <= 0) {
        taken.set(debitKey, 0);
        continue;
      }
      const result = await this.deps.ledger.debitUpTo({
        wallet_id: topup.wallet_id,
        amount_micros: amountMicros,
        idempotency_key: `stripe:topup:${topup.topup_id}:${debitKey}`,
        reason: debitKey.startsWith('dispute:') ? `Stripe ${debitKey.replace(':', ' ')} funds withdrawn` : `Stripe refund of top-up ${topup.topup_id}`,
      });
      taken.set(debitKey, result.debited_micros);
      if (result.shortfall_micros > 0) {
        this.deps.log({ msg: 'refund exceeds what the wallet holds', topup_id: topup.topup_id, debit: debitKey, shortfall_micros: result.shortfall_micros });
      }
    }
    return taken;
  }
}
