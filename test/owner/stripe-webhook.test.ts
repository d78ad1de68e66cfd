// Stripe webhooks against the real ledger and DynamoDB Local, signed with stripe-node's own test
// helper: duplicates, reordering, forged and stale signatures, refunds after spending, disputes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../shared/api-keys';
import { type OwnerStack, startOwnerStack } from './harness';

let stack: OwnerStack;

beforeAll(async () => {
  stack = await startOwnerStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function balance(walletId: string): Promise<{ balance_micros: number; available_micros: number }> {
  const response = await stack.admin(`/admin/wallets/${walletId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { balance_micros: number; available_micros: number };
}

interface AdminEntry {
  type: string;
  amount_micros: number;
  balance_after_micros: number;
  written_off_micros: number | null;
  idempotency_key: string;
}

async function entries(walletId: string): Promise<AdminEntry[]> {
  const response = await stack.admin(`/admin/wallets/${walletId}/entries?limit=200`);
  return ((await response.json()) as { data: AdminEntry[] }).data;
}

/** A wallet with a started top-up of `euros`, as the wallet page would create it. */
async function newTopup(euros: number): Promise<{ walletId: string; topupId: string; sessionId: string }> {
  const owner = stack.ledger.owner!;
  const walletId = await owner.signin.ensureWallet(`${randomId('o').toLowerCase()}@example.com`);
  const { topup_id: topupId } = await owner.topups.start({
    wallet_id: walletId,
    owner_email: 'x@example.com',
    amount_micros: euros * 1_000_000,
    success_url: 'http://localhost/wallet',
    cancel_url: 'http://localhost/wallet',
  });
  const topup = await owner.store.getTopup(topupId);
  return { walletId, topupId, sessionId: topup!.checkout_session_id! };
}

function sessionEvent(type: string, t: { walletId: string; topupId: string; sessionId: string }, cents: number, paymentStatus: 'paid' | 'unpaid' = 'paid') {
  return {
    id: randomId('evt'),
    object: 'event',
    type,
    data: {
      object: {
        id: t.sessionId,
        object: 'checkout.session',
        payment_status: paymentStatus,
        amount_total: cents,
        currency: 'eur',
        client_reference_id: t.topupId,
        payment_intent: `pi_${t.topupId}`,
        metadata: { topup_id: t.topupId, wallet_id: t.walletId },
      },
    },
  };
}

function refundEvent(t: { topupId: string }, amountCents: number, refundedCents: number) {
  return {
    id: randomId('evt'),
    object: 'event',
    type: 'charge.refunded',
    data: { object: { id: `ch_${t.topupId}`, object: 'charge', amount: amountCents, amount_refunded: refundedCents, currency: 'eur', payment_intent: `pi_${t.topupId}`, metadata: {} } },
  };
}

function disputeEvent(type: string, t: { topupId: string }, disputeId: string, cents: number) {
  return {
    id: randomId('evt'),
    object: 'event',
    type,
    data: { object: { id: disputeId, object: 'dispute', amount: cents, currency: 'eur', charge: `ch_${t.topupId}`, payment_intent: `pi_${t.topupId}` } },
  };
}

async function deliverOk(event: object): Promise<string> {
  const response = await stack.deliver(event);
  expect(response.status).toBe(200);
  return ((await response.json()) as { outcome: string }).outcome;
}

describe('Stripe webhook', () => {
  it('credits once when the same event is delivered 5 times, sequentially and concurrently', async () => {
    const t = await newTopup(10);
    const event = sessionEvent('checkout.session.completed', t, 1_000);
    expect(await deliverOk(event)).toBe('credited');
    for (let i = 0; i < 2; i++) await deliverOk(event);
    await Promise.all([deliverOk(event), deliverOk(event)]);
    expect((await balance(t.walletId)).balance_micros).toBe(10_000_000);
    // Even as distinct events (Stripe retries create new deliveries, not new ids, but be safe).
    const redelivered = await Promise.all(Array.from({ length: 5 }, () => stack.deliver(sessionEvent('checkout.session.completed', t, 1_000))));
    expect(redelivered.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await balance(t.walletId)).balance_micros).toBe(10_000_000);
    expect((await entries(t.walletId)).filter((e) => e.type === 'topup')).toHaveLength(1);
  });

  it('credits once when async_payment_succeeded arrives before completed', async () => {
    const t = await newTopup(25);
    expect(await deliverOk(sessionEvent('checkout.session.async_payment_succeeded', t, 2_500))).toBe('credited');
    await deliverOk(sessionEvent('checkout.session.completed', t, 2_500));
    expect((await balance(t.walletId)).balance_micros).toBe(25_000_000);
  });

  it('waits for async_payment_succeeded when completed is unpaid', async () => {
    const t = await newTopup(15);
    expect(await deliverOk(sessionEvent('checkout.session.completed', t, 1_500, 'unpaid'))).toBe('awaiting_payment');
    expect((await balance(t.walletId)).balance_micros).toBe(0);
    expect(await deliverOk(sessionEvent('checkout.session.async_payment_succeeded', t, 1_500))).toBe('credited');
    expect((await balance(t.walletId)).balance_micros).toBe(15_000_000);
  });

  it('refuses a forged signature and a stale timestamp with 400, crediting nothing', async () => {
    const t = await newTopup(10);
    const forged = await stack.deliver(sessionEvent('checkout.session.completed', t, 1_000), { secret: 'whsec_not_ours' });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('webhook_signature_invalid');
    const stale = await stack.deliver(sessionEvent('checkout.session.completed', t, 1_000), { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    expect(stale.status).toBe(400);
    const unsigned = await fetch(`${stack.ledger.url}/stripe/webhook`, { method: 'POST', body: JSON.stringify(sessionEvent('checkout.session.completed', t, 1_000)) });
    expect(unsigned.status).toBe(400);
    // A body changed after signing.
    const event = sessionEvent('checkout.session.completed', t, 1_000);
    const { default: Stripe } = await import('stripe');
    const header = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: 'whsec_test_owner_flows' });
    const tampered = JSON.stringify({ ...event, data: { object: { ...event.data.object, amount_total: 100_000 } } });
    const changed = await fetch(`${stack.ledger.url}/stripe/webhook`, { method: 'POST', headers: { 'stripe-signature': header }, body: tampered });
    expect(changed.status).toBe(400);
    expect((await balance(t.walletId)).balance_micros).toBe(0);
  });

  it('acknowledges and ignores unknown event types', async () => {
    expect(await deliverOk({ id: randomId('evt'), object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } })).toBe('ignored');
  });

  it('refund after the money was spent: debits what remains, records the shortfall, never below zero', async () => {
    const t = await newTopup(10);
    await deliverOk(sessionEvent('checkout.session.completed', t, 1_000));
    const spent = await stack.admin(`/admin/wallets/${t.walletId}/adjustments`, {
      body: { amount_micros: -8_000_000, reason: 'spent on usage (test stand-in)', idempotency_key: randomId('adj') },
    });
    expect(spent.status).toBe(201);
    const refund = refundEvent(t, 1_000, 1_000);
    expect(await deliverOk(refund)).toBe('refund_debited');
    await deliverOk(refund);
    await deliverOk(refundEvent(t, 1_000, 1_000));
    const after = await balance(t.walletId);
    expect(after.balance_micros).toBe(0);
    expect(after.available_micros).toBe(0);
    const all = await entries(t.walletId);
    const refunds = all.filter((e) => e.type === 'refund');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount_micros).toBe(-2_000_000);
    // The 8 EUR the wallet could not give back is in the ledger, once, next to the refund that fell short.
    const writeOffs = all.filter((e) => e.type === 'write_off');
    expect(writeOffs).toMatchObject([{ amount_micros: 0, balance_after_micros: 0, written_off_micros: 8_000_000 }]);
    expect(writeOffs[0]!.idempotency_key).toBe(refunds[0]!.idempotency_key);
    expect(all.reduce((sum, e) => sum + e.amount_micros, 0)).toBe(after.balance_micros);
  });

  it('partial refunds: cumulative amounts debit each cent once, whatever the delivery order', async () => {
    const t = await newTopup(20);
    await deliverOk(sessionEvent('checkout.session.completed', t, 2_000));
    // Stripe's later event (cumulative 800) arrives before the earlier one (cumulative 300).
    await deliverOk(refundEvent(t, 2_000, 800));
    await deliverOk(refundEvent(t, 2_000, 300));
    expect((await balance(t.walletId)).balance_micros).toBe(12_000_000);
    await Promise.all([deliverOk(refundEvent(t, 2_000, 1_200)), deliverOk(refundEvent(t, 2_000, 1_000)), deliverOk(refundEvent(t, 2_000, 1_200))]);
    expect((await balance(t.walletId)).balance_micros).toBe(8_000_000);
  });

  it('disputes: funds withdrawn are debited (up to what remains) and reinstated funds credited back exactly', async () => {
    const t = await newTopup(10);
    await deliverOk(sessionEvent('checkout.session.completed', t, 1_000));
    expect(await deliverOk(disputeEvent('charge.dispute.created', t, 'dp_1', 1_000))).toBe('ignored');
    expect(await deliverOk(disputeEvent('charge.dispute.funds_withdrawn', t, 'dp_1', 1_000))).toBe('dispute_debited');
    await deliverOk(disputeEvent('charge.dispute.funds_withdrawn', t, 'dp_1', 1_000));
    expect((await balance(t.walletId)).balance_micros).toBe(0);
    expect(await deliverOk(disputeEvent('charge.dispute.funds_reinstated', t, 'dp_1', 1_000))).toBe('dispute_reinstated');
    await deliverOk(disputeEvent('charge.dispute.funds_reinstated', t, 'dp_1', 1_000));
    expect((await balance(t.walletId)).balance_micros).toBe(10_000_000);

    // Reinstated delivered before withdrawn: nothing moves either way.
    await deliverOk(disputeEvent('charge.dispute.funds_reinstated', t, 'dp_2', 500));
    await deliverOk(disputeEvent('charge.dispute.funds_withdrawn', t, 'dp_2', 500));
    expect((await balance(t.walletId)).balance_micros).toBe(10_000_000);
  });

  it('never credits from the redirect back, and never for an unknown top-up', async () => {
    const t = await newTopup(10);
    const back = await fetch(`${stack.ledger.url}/wallet?notice=topup_returned&session_id=${t.sessionId}`, { redirect: 'manual' });
    expect(back.status).toBe(303);
    const stranger = { ...t, topupId: 'top_unknown' };
    expect(await deliverOk(sessionEvent('checkout.session.completed', stranger, 1_000))).toBe('unmatched');
    const otherWallet = { ...t, walletId: 'wal_someone_else' };
    expect(await deliverOk(sessionEvent('checkout.session.completed', otherWallet, 1_000))).toBe('unmatched');
    expect((await balance(t.walletId)).balance_micros).toBe(0);
  });
});
