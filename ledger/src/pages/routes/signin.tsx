// GET/POST /signin (ask for a code), GET/POST /signin/code (enter it), POST /signout.
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import { FleeexError } from '../../../../shared/errors';
import { devPagesEnabled } from '../../owner/config';
import { EmailSchema, SigninCodeSchema } from '../../owner/email';
import { clearSessionCookie, clientIp, issueCsrfToken, sessionCookie, setSessionCookie, verifyCsrf } from '../../owner/http';
import type { OwnerServices } from '../../owner/services';
import { errorPage, formOf, safeNext } from '../respond';
import { CodePage, SigninPage } from '../signin';

export function registerSigninPages(app: Hono, services: OwnerServices): void {
  const { config } = services;

  app.get('/signin', async (c) => {
    const next = safeNext(c.req.query('next'));
    if (await services.signin.session(sessionCookie(c))) return c.redirect(next, 303);
    return c.html(<SigninPage csrf={issueCsrfToken(c, config)} next={next} />);
  });

  app.post('/signin', async (c) => {
    try {
      const form = await formOf(c);
      verifyCsrf(c, config, form['_csrf']);
      const next = safeNext(form['next']);
      const email = EmailSchema.safeParse(form['email'] ?? '');
      if (!email.success) {
        return c.html(<SigninPage csrf={issueCsrfToken(c, config)} next={next} email={form['email']} error="Enter a valid email address." />, 400);
      }
      try {
        await services.signin.requestCode(email.data, clientIp(c));
      } catch (error) {
        if (error instanceof FleeexError && error.code === 'rate_limit_exceeded') {
          c.header('retry-after', String(error.details.retryAfterSeconds ?? 60));
          return c.html(<SigninPage csrf={issueCsrfToken(c, config)} next={next} email={email.data} error={error.message} />, 429);
        }
        throw error;
      }
      return c.redirect(`/signin/code?email=${encodeURIComponent(email.data)}&next=${encodeURIComponent(next)}`, 303);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });

  app.get('/signin/code', (c) => {
    const email = EmailSchema.safeParse(c.req.query('email') ?? '');
    const next = safeNext(c.req.query('next'));
    if (!email.success) return c.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
    return c.html(<CodePage csrf={issueCsrfToken(c, config)} next={next} email={email.data} devOutbox={devPagesEnabled(config)} />);
  });

  app.post('/signin/code', async (c) => {
    try {
      const form = await formOf(c);
      verifyCsrf(c, config, form['_csrf']);
      const next = safeNext(form['next']);
      const email = EmailSchema.safeParse(form['email'] ?? '');
      if (!email.success) return c.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
      const again = (message: string, status: 400 | 429) =>
        c.html(<CodePage csrf={issueCsrfToken(c, config)} next={next} email={email.data} devOutbox={devPagesEnabled(config)} error={message} />, status);
      const code = SigninCodeSchema.safeParse(form['code'] ?? '');
      if (!code.success) return again('The code is 6 digits.', 400);
      let signedIn: Awaited<ReturnType<typeof services.signin.verifyCode>>;
      try {
        signedIn = await services.signin.verifyCode(email.data, code.data, clientIp(c));
      } catch (error) {
        if (error instanceof FleeexError && ['invalid_code', 'code_expired'].includes(error.code)) return again(error.message, 400);
        if (error instanceof FleeexError && ['too_many_attempts', 'rate_limit_exceeded'].includes(error.code)) return again(error.message, 429);
        throw error;
      }
      // Rotate: drop any previous session and CSRF secret, then set the new ones.
      await services.signin.signOut(sessionCookie(c));
      setSessionCookie(c, config, signedIn.sessionToken);
      issueCsrfToken(c, config, true);
      return c.redirect(next, 303);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });

  app.post('/signout', async (c) => {
    try {
      const form = await formOf(c);
      verifyCsrf(c, config, form['_csrf']);
      await services.signin.signOut(sessionCookie(c));
      clearSessionCookie(c, config);
      issueCsrfToken(c, config, true);
      return c.redirect('/signin', 303);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });
}
