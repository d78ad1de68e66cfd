import { formatEur, formatEurCents } from '../../../shared/money';
import { TOPUP_MAX_MICROS, TOPUP_MIN_MICROS, TOPUP_PRESETS_MICROS } from '../owner/limits';
import type { EntryView, GrantView, WalletView } from '../owner/ports';
import { CsrfField, ErrorBox, Layout } from './layout';

export interface WalletPageProps {
  email: string;
  csrf: string;
  wallet: WalletView;
  grants: Array<GrantView & { app_name: string }>;
  entries: Array<EntryView & { app_name: string | null }>;
  nextCursor: string | null;
  firstPage: boolean;
  notice?: string | null;
  error?: string | null;
  banner?: string;
}

const ENTRY_LABELS: Record<EntryView['type'], string> = {
  topup: 'Top-up',
  usage: 'Usage',
  refund: 'Refund',
  adjustment: 'Adjustment',
  write_off: 'Written off',
};

/** Credits shown rounded down, charges rounded up: never overstate what the owner has. */
function signedAmount(micros: number): string {
  return micros < 0 ? `−€${formatEurCents(-micros, 'ceil')}` : `€${formatEurCents(micros, 'floor')}`;
}

function capInput(micros: number | null): string {
  return micros === null ? '' : formatEur(micros);
}

export function WalletPage(props: WalletPageProps) {
  const { wallet } = props;
  return (
    <Layout title="Your wallet" signedIn={{ email: props.email, csrf: props.csrf }} banner={props.banner}>
      <h1>Your wallet</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <ErrorBox message={props.error} />
      <section aria-labelledby="balance-h">
        <h2 id="balance-h">Balance</h2>
        <p class="balance" data-testid="balance" title={`€${formatEur(wallet.balance_micros)}`}>
          €{formatEurCents(wallet.balance_micros, 'floor')}
        </p>
        <p class="muted">
          Available €{formatEurCents(wallet.available_micros, 'floor')} · held for calls in progress €
          {formatEurCents(wallet.held_micros, 'ceil')}
        </p>
      </section>

      <section aria-labelledby="topup-h">
        <h2 id="topup-h">Add money</h2>
        <form method="post" action="/wallet/topups">
          <CsrfField token={props.csrf} />
          <fieldset style="border:none;padding:0;margin:0">
            <legend class="muted">
              Choose an amount (€{formatEurCents(TOPUP_MIN_MICROS, 'ceil')} to €{formatEurCents(TOPUP_MAX_MICROS, 'floor')})
            </legend>
            <div class="presets">
              {TOPUP_PRESETS_MICROS.map((micros, index) => (
                <label>
                  <input type="radio" name="preset" value={formatEur(micros)} checked={index === 0} /> €{formatEurCents(micros, 'floor')}
                </label>
              ))}
              <label>
                <input type="radio" name="preset" value="custom" /> Other
              </label>
            </div>
          </fieldset>
          <label for="custom-amount">Other amount in EUR</label>
          <input id="custom-amount" name="custom_amount" type="text" inputmode="decimal" placeholder="e.g. 15.00" />
          <div>
            <button type="submit">Top up</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="apps-h">
        <h2 id="apps-h">Apps you allowed</h2>
        {props.grants.length === 0 ? <p class="muted">No app can spend from this wallet yet.</p> : null}
        {props.grants.map((grant) => (
          <div class="grant" data-testid={`grant-${grant.app_id}`}>
            <strong>{grant.app_name}</strong>{' '}
            {grant.status === 'revoked' ? <span class="muted">(revoked)</span> : null}
            <p class="muted" style="margin:.25rem 0">
              Spent this month €{formatEurCents(grant.spent_this_month_micros, 'ceil')}
              {grant.monthly_cap_micros === null ? ' · no monthly cap' : ` of €${formatEurCents(grant.monthly_cap_micros, 'floor')} monthly cap`}
            </p>
            {grant.status === 'active' ? (
              <div>
                <form method="post" action={`/wallet/grants/${encodeURIComponent(grant.app_id)}/cap`} class="inline">
                  <CsrfField token={props.csrf} />
                  <label for={`cap-${grant.app_id}`}>Monthly cap in EUR (empty for none)</label>
                  <input id={`cap-${grant.app_id}`} name="monthly_cap" type="text" inputmode="decimal" value={capInput(grant.monthly_cap_micros)} />
                  <button type="submit" class="secondary">
                    Save cap
                  </button>
                </form>
                <form method="post" action={`/wallet/grants/${encodeURIComponent(grant.app_id)}/revoke`} class="inline">
                  <CsrfField token={props.csrf} />
                  <button type="submit" class="danger">
                    Revoke access
                  </button>
                </form>
              </div>
            ) : null}
          </div>
        ))}
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        {props.entries.length === 0 ? <p class="muted">Nothing yet.</p> : null}
        {props.entries.length > 0 ? (
          <table>
            <caption class="muted" style="text-align:left">
              Newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">What</th>
                <th scope="col" class="hide-narrow">
                  Model
                </th>
                <th scope="col" class="num hide-narrow">
                  Tokens
                </th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((entry) => (
                <tr data-testid={`entry-${entry.type}`}>
                  <td>{entry.created_at.slice(0, 16).replace('T', ' ')}</td>
                  <td>
                    {ENTRY_LABELS[entry.type]}
                    {entry.app_name ? ` · ${entry.app_name}` : ''}
                  </td>
                  <td class="hide-narrow">{entry.model ?? ''}</td>
                  <td class="num hide-narrow">
                    {entry.input_tokens === null && entry.output_tokens === null ? '' : `${entry.input_tokens ?? 0} in / ${entry.output_tokens ?? 0} out`}
                  </td>
                  <td class="num">{signedAmount(entry.amount_micros)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p>
          {props.firstPage ? null : <a href="/wallet">Newest</a>}
          {props.nextCursor ? (
            <>
              {' '}
              <a href={`/wallet?cursor=${encodeURIComponent(props.nextCursor)}#history-h`}>Older</a>
            </>
          ) : null}
        </p>
      </section>
    </Layout>
  );
}
