import { formatEur, formatEurCents } from '../../../shared/money';
import { CsrfField, ErrorBox, Layout } from './layout';

export interface ConsentPageProps {
  email: string;
  csrf: string;
  connectId: string;
  appName: string;
  returnOrigin: string;
  requestedCapMicros: number | null;
  availableMicros: number;
  error?: string | null;
}

export function ConsentPage(props: ConsentPageProps) {
  return (
    <Layout title={`Allow ${props.appName}?`} signedIn={{ email: props.email, csrf: props.csrf }}>
      <section aria-labelledby="consent-h">
        <h1 id="consent-h">Allow {props.appName} to charge your wallet?</h1>
        <p>
          <strong>{props.appName}</strong> ({props.returnOrigin}) asks to pay for the AI it uses for you from your fleeex wallet.
        </p>
        <ul>
          <li>
            {props.requestedCapMicros === null
              ? 'It asks for no monthly limit. You can set one below.'
              : `It asks for up to €${formatEurCents(props.requestedCapMicros, 'floor')} per calendar month. You may lower it.`}
          </li>
          <li>Your available balance: €{formatEurCents(props.availableMicros, 'floor')}. The app never sees it.</li>
          <li>You can change the limit or revoke access at any time on your wallet page.</li>
        </ul>
        <ErrorBox message={props.error} />
        <form method="post" action={`/connect/${encodeURIComponent(props.connectId)}`}>
          <CsrfField token={props.csrf} />
          <label for="monthly-cap">Monthly limit in EUR{props.requestedCapMicros === null ? ' (empty for none)' : ''}</label>
          <input
            id="monthly-cap"
            name="monthly_cap"
            type="text"
            inputmode="decimal"
            value={props.requestedCapMicros === null ? '' : formatEur(props.requestedCapMicros)}
          />
          <div>
            <button type="submit" name="decision" value="approve">
              Allow
            </button>
            <button type="submit" name="decision" value="deny" class="secondary">
              Deny
            </button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
