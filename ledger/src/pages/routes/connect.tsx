// GET /connect/{id}: the consent page; POST /connect/{id}: approve (maybe with a lower cap) or deny.
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { FleeexError } from '../../../../shared/errors';
import { formatEur } from '../../../../shared/money';
import { originOf } from '../../owner/connect';
import { issueCsrfToken, verifyCsrf } from '../../owner/http';
import type { OwnerServices } from '../../owner/services';
import type { SessionItem } from '../../owner/store';
import { ConsentPage } from '../consent';
import { MessagePage } from '../layout';
import { currentSession, errorPage, formOf, redirectToSignin } from '../respond';
import { parseCap } from './wallet';

const ConnectIdParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const Decision = z.enum(['approve', 'deny']);

type PendingConnect = Awaited<ReturnType<OwnerServices['connect']['pending']>>;

/** The consent page for a pending connect session; with an error, it is answered as a 400. */
async function renderConsent(c: Context, services: OwnerServices, session: SessionItem, connectId: string, pending: PendingConnect, error?: string) {
  const wallet = await services.ledger.getWallet(session.wallet_id);
  return c.html(
    <ConsentPage
      email={session.email}
      csrf={issueCsrfToken(c, services.config)}
      connectId={connectId}
      appName={pending.app.name}
      returnOrigin={originOf(pending.session.return_url) ?? ''}
      requestedCapMicros={pending.session.monthly_cap_micros}
      availableMicros={wallet?.available_micros ?? 0}
      error={error}
    />,
    error === undefined ? 200 : 400,
  );
}

function linkGone(c: Context, message: string) {
  return c.html(<MessagePage title="This link can no longer be used" message={message} link={{ href: '/wallet', label: 'Go to your wallet' }} />, 410);
}

export function registerConnectPages(app: Hono, services: OwnerServices): void {
  const { config } = services;

  app.get('/connect/:connect_id', async (c) => {
    try {
      const connectId = ConnectIdParam.parse(c.req.param('connect_id'));
      const session = await currentSession(c, services);
      if (!session) return redirectToSignin(c);
      let pending: PendingConnect;
      try {
        pending = await services.connect.pending(connectId);
      } catch (error) {
        if (error instanceof FleeexError && error.code === 'connect_session_invalid') {
          return linkGone(c, error.message);
        }
        throw error;
      }
      return await renderConsent(c, services, session, connectId, pending);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });

  app.post('/connect/:connect_id', async (c) => {
    try {
      const connectId = ConnectIdParam.parse(c.req.param('connect_id'));
      const session = await currentSession(c, services);
      if (!session) return redirectToSignin(c);
      const form = await formOf(c);
      verifyCsrf(c, config, form['_csrf']);
      const decision = Decision.parse(form['decision']);
      let target: string;
      try {
        const cap = decision === 'approve' ? parseCap(form['monthly_cap']) : null;
        target = await services.connect.decide(connectId, session.wallet_id, decision, cap);
      } catch (error) {
        if (error instanceof FleeexError && error.code === 'invalid_request') {
          const pending = await services.connect.pending(connectId);
          const capNote = pending.session.monthly_cap_micros === null ? '' : ` (at most €${formatEur(pending.session.monthly_cap_micros)})`;
          return await renderConsent(c, services, session, connectId, pending, `${error.message}${capNote}`);
        }
        if (error instanceof FleeexError && error.code === 'connect_session_invalid') {
          return linkGone(c, error.message);
        }
        throw error;
      }
      return c.redirect(target, 303);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });
}
