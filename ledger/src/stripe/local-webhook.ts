// Local mode only: what Stripe would send when a Checkout Session is paid, signed with Stripe's own
// helper and POSTed to this service's webhook, so the local flow exercises the real verification.
import Stripe from 'stripe';
import { randomId } from '../../../shared/api-keys';
import { MICROS_PER_CENT } from '../../../shared/money';
import type { TopupItem } from '../owner/store';

export function checkoutCompletedEvent(topup: TopupItem, checkoutSessionId: string, now: Date): string {
  const created = Math.floor(now.getTime() / 1000);
  return JSON.stringify({
    id: randomId('evt_local'),
    object: 'event',
    type: 'checkout.session.completed',
    created,
    livemode: false,
    data: {
      object: {
        id: checkoutSessionId,
        object: 'checkout.session',
        mode: 'payment',
        payment_status: 'paid',
        status: 'complete',
        amount_total: topup.amount_micros / MICROS_PER_CENT,
        currency: 'eur',
        client_reference_id: topup.topup_id,
        payment_intent: `pi_local_${topup.topup_id}`,
        metadata: { topup_id: topup.topup_id, wallet_id: topup.wallet_id },
      },
    },
  });
}

export function signWebhookPayload(payload: string, secret: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret });
}

export async function postSignedWebhook(webhookUrl: string, payload: string, secret: string): Promise<Response> {
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signWebhookPayload(payload, secret) },
    body: payload,
    signal: AbortSignal.timeout(10_000),
  });
}
