// POST /stripe/webhook: Stripe's events, verified on the raw body with Stripe's own library.
import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type Stripe from 'stripe';
import { FleeexError } from '../../../../shared/errors';
import type { TopupService } from '../topups';

const WEBHOOK_BODY_BYTES_MAX = 512 * 1024;

const route = createRoute({
  method: 'post',
  path: '/stripe/webhook',
  summary: 'Stripe webhook (signed)',
  description:
    'Verifies `Stripe-Signature` over the raw body (tolerance 300 s). Credits top-ups exactly once per Checkout Session; debits refunds and withdrawn disputes up to what the wallet holds. Unknown event types are acknowledged and ignored.',
  request: { headers: z.object({ 'stripe-signature': z.string().max(4_096).optional() }) },
  responses: {
    200: { description: 'Processed or ignored', content: { 'application/json': { schema: z.object({ received: z.literal(true), outcome: z.string() }) } } },
    400: { description: 'Bad signature, stale timestamp or malformed event' },
  },
});

export function registerStripeWebhook(app: OpenAPIHono, deps: { stripe: Stripe; webhookSecret: string; topups: TopupService }): void {
  app.openapi(route, async (c) => {
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > WEBHOOK_BODY_BYTES_MAX) throw new FleeexError('payload_too_large', 'webhook body too large');
    const raw = await c.req.text();
    if (raw.length > WEBHOOK_BODY_BYTES_MAX) throw new FleeexError('payload_too_large', 'webhook body too large');
    let event: Stripe.Event;
    try {
      event = deps.stripe.webhooks.constructEvent(raw, c.req.header('stripe-signature') ?? '', deps.webhookSecret);
    } catch {
      throw new FleeexError('webhook_signature_invalid', 'The Stripe-Signature header does not verify for this body and time.');
    }
    let outcome: string;
    try {
      outcome = await deps.topups.handleEvent(event);
    } catch (error) {
      if (error instanceof z.ZodError) throw new FleeexError('invalid_request', `event ${event.type} has an unexpected shape`);
      throw error;
    }
    return c.json({ received: true as const, outcome }, 200);
  });
}
