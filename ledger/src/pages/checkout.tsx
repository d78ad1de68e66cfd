import { formatEurCents } from '../../../shared/money';
import { CsrfField, Layout } from './layout';

export const LOCAL_TEST_MODE_BANNER = 'LOCAL TEST MODE: no real payment is made. This page stands in for Stripe Checkout.';
/** Shown on every other page while top-ups go through the local checkout. */
export const LOCAL_PAYMENTS_BANNER = 'LOCAL TEST MODE: top-ups go through a local checkout; no real payment is made.';

export function LocalCheckoutPage(props: { csrf: string; topupId: string; amountMicros: number; email: string }) {
  return (
    <Layout title="Local checkout" banner={LOCAL_TEST_MODE_BANNER}>
      <section aria-labelledby="checkout-h">
        <h1 id="checkout-h">Local checkout (test mode)</h1>
        <p>
          Top-up of <strong>€{formatEurCents(props.amountMicros, 'floor')}</strong> for {props.email}.
        </p>
        <p class="muted">
          Paying here sends a correctly signed <code style="font-size:1rem">checkout.session.completed</code> webhook to the ledger, exactly as
          Stripe would. The wallet is credited by that webhook, not by this page.
        </p>
        <form method="post" action={`/checkout/local/${encodeURIComponent(props.topupId)}`}>
          <CsrfField token={props.csrf} />
          <button type="submit" name="outcome" value="pay">
            Pay €{formatEurCents(props.amountMicros, 'floor')} (test)
          </button>
          <button type="submit" name="outcome" value="cancel" class="secondary">
            Cancel
          </button>
        </form>
      </section>
    </Layout>
  );
}
