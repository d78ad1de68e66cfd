// Starting a payment for a top-up. Real mode: a Stripe Checkout Session (mode payment, EUR), created
// with an idempotency key so a retried request cannot open two sessions for one top-up. Local mode:
// the local checkout page of this service. Either way only the webhook credits the wallet.
import type Stripe from 'stripe';
import { MICROS_PER_CENT } from '../../../shared/money';

export interface CheckoutRequest {
  topup_id: string;
  wallet_id: string;
  amount_micros: number;
  owner_email: string;
  /** Absolute URLs on this service. */
  success_url: string;
  cancel_url: string;
}

export interface CheckoutPort {
  readonly mode: 'stripe' | 'local';
  create(request: CheckoutRequest): Promise<{ checkout_session_id: string; url: string }>;
}

export class StripeCheckout implements CheckoutPort {
  readonly mode = 'stripe' as const;
  constructor(private readonly stripe: Stripe) {}

  async create(request: CheckoutRequest): Promise<{ checkout_session_id: string; url: string }> {
    if (request.amount_micros % MICROS_PER_CENT !== 0) throw new Error('top-up amounts are whole cents');
    const metadata = { topup_id: request.topup_id, wallet_id: request.wallet_id };
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'eur', unit_amount: request.amount_micros / MICROS_PER_CENT, product_data: { name: 'fleeex wallet top-up' } },
          },
        ],
        client_reference_id: request.topup_id,
        customer_email: request.owner_email,
        metadata,
        payment_intent_data: { metadata },
        success_url: `${request.success_url}${request.success_url.includes('?') ? '&' : '?'}session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: request.cancel_url,
      },
      { idempotencyKey: `topup-checkout-${request.topup_id}` },
    );
    if (!session.url) throw new Error('Stripe returned a checkout session without a URL');
    return { checkout_session_id: session.id, url: session.url };
  }
}

/** Local mode: the "session" is the top-up itself, paid on /checkout/local/{topup_id}. */
export class LocalCheckout implements CheckoutPort {
  readonly mode = 'local' as const;
  constructor(private readonly baseUrl: () => string) {}

  async create(request: CheckoutRequest): Promise<{ checkout_session_id: string; url: string }> {
    return {
      checkout_session_id: `cs_local_${request.topup_id}`,
      url: `${this.baseUrl()}/checkout/local/${encodeURIComponent(request.topup_id)}`,
    };
  }
}
