// The one page shell: inline CSS (no external assets), readable on a phone, high contrast, visible
// keyboard focus.
import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../owner/http';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f5f5f2}
header{background:#14213d;color:#fff;padding:.75rem 1rem;display:flex;justify-content:space-between;align-items:center;gap:1rem}
header a,header button{color:#fff}
.brand{font-weight:700;letter-spacing:.02em;text-decoration:none}
main{max-width:44rem;margin:0 auto;padding:1rem}
section{background:#fff;border:1px solid #d8d8d2;border-radius:8px;padding:1rem;margin:0 0 1rem}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=text],input[type=email],input[type=number]{width:100%;max-width:22rem;padding:.6rem;font-size:1rem;border:1px solid #767676;border-radius:6px}
button,.button{display:inline-block;padding:.6rem 1rem;font-size:1rem;border-radius:6px;border:1px solid #14213d;background:#14213d;color:#fff;cursor:pointer;text-decoration:none;margin:.25rem .25rem .25rem 0}
button.secondary{background:#fff;color:#14213d}
button.danger{background:#9b1c1c;border-color:#9b1c1c}
button.link{background:none;border:none;text-decoration:underline;padding:0;margin:0}
:focus-visible{outline:3px solid #f0a202;outline-offset:2px}
.balance{font-size:2rem;font-weight:700;margin:0}
.muted{color:#555}
.error{background:#fde8e8;border:1px solid #9b1c1c;color:#7a1212;padding:.6rem;border-radius:6px}
.notice{background:#e6f4ea;border:1px solid #1e6b34;color:#14532d;padding:.6rem;border-radius:6px}
.banner{background:#f0a202;color:#1a1a1a;font-weight:700;text-align:center;padding:.5rem}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.4rem .3rem;border-bottom:1px solid #e4e4de;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.presets{display:flex;flex-wrap:wrap;gap:.5rem}
.presets label{font-weight:400;border:1px solid #767676;border-radius:6px;padding:.4rem .7rem;margin:0}
.grant{border-top:1px solid #e4e4de;padding:.75rem 0}
.grant:first-of-type{border-top:none}
.inline{display:inline}
code{font-size:1.25rem;letter-spacing:.1em}
@media (max-width:30rem){.hide-narrow{display:none}main{padding:.5rem}}
`;

export function Layout(props: { title: string; signedIn?: { email: string; csrf: string }; banner?: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · fleeex`}</title>
        <style>{CSS}</style>
      </head>
      <body>
        {props.banner ? (
          <div class="banner" role="note">
            {props.banner}
          </div>
        ) : null}
        <header>
          <a class="brand" href="/wallet">
            fleeex wallet
          </a>
          {props.signedIn ? (
            <form method="post" action="/signout" class="inline">
              <input type="hidden" name={CSRF_FIELD} value={props.signedIn.csrf} />
              <span class="hide-narrow">{props.signedIn.email} · </span>
              <button type="submit" class="link">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

export function ErrorBox(props: { message: string | null | undefined }) {
  return props.message ? (
    <p class="error" role="alert">
      {props.message}
    </p>
  ) : null;
}

export function MessagePage(props: { title: string; message: string; link?: { href: string; label: string } }) {
  return (
    <Layout title={props.title}>
      <section>
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.link ? <a href={props.link.href}>{props.link.label}</a> : null}
      </section>
    </Layout>
  );
}
