// The parts of Stripe events fleeex acts on, validated (the signature proves who sent the event, not
// that its shape is what we expect). Unknown event types are acknowledged and ignored.
import { z } from 'zod';

const Metadata = z.record(z.string(), z.string()).nullish();
const IdOrObject = z.union([z.string(), z.object({ id: z.string() })]).nullish();

export const CheckoutSessionSchema = z.object({
  id: z.string().min(1),
  object: z.literal('checkout.session'),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  amount_total: z.number().int().min(0).nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullish(),
  payment_intent: IdOrObject,
  metadata: Metadata,
});
export type CheckoutSession = z.infer<typeof CheckoutSessionSchema>;

export const ChargeSchema = z.object({
  id: z.string().min(1),
  object: z.literal('charge'),
  amount: z.number().int().min(0),
  amount_refunded: z.number().int().min(0),
  currency: z.string(),
  payment_intent: IdOrObject,
  metadata: Metadata,
});
export type Charge = z.infer<typeof ChargeSchema>;

export const DisputeSchema = z.object({
  id: z.string().min(1),
  object: z.literal('dispute'),
  amount: z.number().int().min(0),
  currency: z.string(),
  charge: IdOrObject,
  payment_intent: IdOrObject,
});
export type Dispute = z.infer<typeof DisputeSchema>;

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}
