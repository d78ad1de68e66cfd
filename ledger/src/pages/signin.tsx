import { CsrfField, ErrorBox, Layout } from './layout';

export function SigninPage(props: { csrf: string; next: string; email?: string; error?: string | null }) {
  return (
    <Layout title="Sign in">
      <section>
        <h1>Sign in to your wallet</h1>
        <p class="muted">We email you a 6-digit code. No password needed; a new wallet is created on first sign-in.</p>
        <ErrorBox message={props.error} />
        <form method="post" action="/signin">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label for="email">Email address</label>
          <input id="email" name="email" type="email" autocomplete="email" required value={props.email ?? ''} />
          <div>
            <button type="submit">Email me a code</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function CodePage(props: { csrf: string; next: string; email: string; error?: string | null; devOutbox: boolean }) {
  return (
    <Layout title="Enter your code">
      <section>
        <h1>Check your email</h1>
        <p>
          We sent a 6-digit code to <strong>{props.email}</strong>. It expires in 10 minutes.
        </p>
        {props.devOutbox ? (
          <p class="muted">
            Local mode: the code is printed by <code>npm start</code> and shown in the <a href="/dev/outbox">dev outbox</a>.
          </p>
        ) : null}
        <ErrorBox message={props.error} />
        <form method="post" action="/signin/code">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <input type="hidden" name="email" value={props.email} />
          <label for="code">Code</label>
          <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required />
          <div>
            <button type="submit">Sign in</button>
          </div>
        </form>
        <p>
          <a href={`/signin?next=${encodeURIComponent(props.next)}`}>Use another email or get a new code</a>
        </p>
      </section>
    </Layout>
  );
}
