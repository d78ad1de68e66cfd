import type { OutboxMail } from '../owner/mail';
import { Layout } from './layout';

export function OutboxPage(props: { mails: readonly OutboxMail[] }) {
  return (
    <Layout title="Dev outbox" banner="LOCAL MODE ONLY: this page is never served in production.">
      <section>
        <h1>Dev outbox</h1>
        <p class="muted">Sign-in emails this process would have sent, newest first.</p>
        {props.mails.length === 0 ? <p>No mail yet.</p> : null}
        <table>
          <thead>
            <tr>
              <th scope="col">Sent</th>
              <th scope="col">To</th>
              <th scope="col">Code</th>
            </tr>
          </thead>
          <tbody>
            {props.mails.map((mail) => (
              <tr>
                <td>{mail.sentAt.toISOString().slice(11, 19)}</td>
                <td>{mail.to}</td>
                <td>
                  <code data-testid="outbox-code">{mail.code}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
