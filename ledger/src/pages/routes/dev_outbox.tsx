// GET /dev/outbox: local mode only; never registered in production.
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import type { OwnerServices } from '../../owner/services';
import { OutboxPage } from '../outbox';

export function registerDevOutboxPage(app: Hono, services: OwnerServices): void {
  const mailer = services.localMailer;
  if (!mailer) return;
  app.get('/dev/outbox', (c) => {
    c.header('cache-control', 'no-store');
    return c.html(<OutboxPage mails={mailer.outbox()} />);
  });
}
