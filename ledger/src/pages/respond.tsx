// How owner pages answer errors and who is signed in. Pages render errors as HTML with the status the
// error code implies; JSON routes leave errors to the service's single onError.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { type ErrorCode, FleeexError } from '../../../shared/errors';
import { sessionCookie } from '../owner/http';
import type { OwnerServices } from '../owner/services';
import type { SessionItem } from '../owner/store';
import { MessagePage } from './layout';

const PAGE_STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  invalid_request: 400,
  not_found: 404,
  csrf_failed: 403,
  forbidden: 403,
  rate_limit_exceeded: 429,
  connect_session_invalid: 410,
  topup_out_of_range: 400,
  invalid_code: 400,
  code_expired: 400,
  too_many_attempts: 429,
};

export function pageStatus(error: FleeexError): ContentfulStatusCode {
  return PAGE_STATUS[error.code] ?? 500;
}

/** Operating errors become a readable page; anything else is logged and answered without internals. */
export function errorPage(c: Context, services: OwnerServices, error: unknown) {
  if (error instanceof ZodError) error = new FleeexError('invalid_request', 'That request is not valid.');
  if (error instanceof FleeexError && pageStatus(error) < 500) {
    if (error.details.retryAfterSeconds) c.header('retry-after', String(error.details.retryAfterSeconds));
    return c.html(<MessagePage title="Something needs your attention" message={error.message} link={{ href: '/wallet', label: 'Back to your wallet' }} />, pageStatus(error));
  }
  services.log({ msg: 'owner page failed', path: c.req.path, error: error instanceof Error ? error.stack : String(error) });
  return c.html(<MessagePage title="Something went wrong" message="Please try again in a moment." link={{ href: '/wallet', label: 'Back to your wallet' }} />, 500);
}

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/wallet';
  if (!/^\/[A-Za-z0-9/_\-.?=&%~]*$/.test(value) || value.startsWith('//')) return '/wallet';
  return value;
}

export async function currentSession(c: Context, services: OwnerServices): Promise<SessionItem | null> {
  return services.signin.session(sessionCookie(c));
}

export function redirectToSignin(c: Context) {
  const next = safeNext(c.req.path + (new URL(c.req.url).search ?? ''));
  return c.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
}

/** The posted form's string fields; a body that is not a parsable form is the client's mistake (400). */
export async function formOf(c: Context): Promise<Record<string, string>> {
  let body: Awaited<ReturnType<typeof c.req.parseBody>>;
  try {
    body = await c.req.parseBody();
  } catch {
    throw new FleeexError('invalid_request', 'That form could not be read. Reload the page and try again.');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}
