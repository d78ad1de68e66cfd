// Cookies, CSRF and client identity for the owner pages.
// CSRF: every page sets an HttpOnly `fx_csrf` cookie holding a random value; each form carries
// HMAC(secret, value) in `_csrf`. A cross-site form cannot read the cookie to forge the token, and a
// cross-origin `Origin` header is refused outright. The cookie is rotated at sign-in and sign-out.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { FleeexError } from '../../../shared/errors';
import type { OwnerConfig } from './config';
import { hmacHex, randomToken, safeEqual } from './crypto';
import { SESSION_TTL_MS } from './limits';

export const SESSION_COOKIE = 'fx_session';
export const CSRF_COOKIE = 'fx_csrf';
export const CSRF_FIELD = '_csrf';

function cookieOptions(config: OwnerConfig, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: config.secureCookies, path: '/', maxAge: maxAgeSeconds };
}

export function setSessionCookie(c: Context, config: OwnerConfig, token: string): void {
  setCookie(c, SESSION_COOKIE, token, cookieOptions(config, Math.floor(SESSION_TTL_MS / 1000)));
}

export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function clearSessionCookie(c: Context, config: OwnerConfig): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: config.secureCookies });
}

function csrfToken(config: OwnerConfig, cookieValue: string): string {
  return hmacHex(config.secret, `csrf\n${cookieValue}`);
}

/** The token forms must carry; sets the CSRF cookie when missing (or when `rotate`). */
export function issueCsrfToken(c: Context, config: OwnerConfig, rotate = false): string {
  let value = rotate ? undefined : getCookie(c, CSRF_COOKIE);
  if (!value || value.length > 128) {
    value = randomToken();
    setCookie(c, CSRF_COOKIE, value, cookieOptions(config, Math.floor(SESSION_TTL_MS / 1000)));
  }
  return csrfToken(config, value);
}

/** Throws csrf_failed unless the form's token matches the cookie and the request is same-origin. */
export function verifyCsrf(c: Context, config: OwnerConfig, formToken: unknown): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin && (config.publicUrl === null || origin !== new URL(config.publicUrl).origin)) {
    throw new FleeexError('csrf_failed', 'This form was sent from another site.');
  }
  const cookieValue = getCookie(c, CSRF_COOKIE);
  if (!cookieValue || typeof formToken !== 'string' || !safeEqual(formToken, csrfToken(config, cookieValue))) {
    throw new FleeexError('csrf_failed', 'This form has expired. Reload the page and try again.');
  }
}

/**
 * The client address for per-IP limits. Behind a load balancer the right-most X-Forwarded-For hop
 * is the one it appended (earlier hops are the client's own claims); else the socket's address.
 */
export function clientIp(c: Context): string {
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded) {
    const hops = forwarded.split(',').map((hop) => hop.trim()).filter(Boolean);
    const last = hops[hops.length - 1];
    if (last) return last.slice(0, 64);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress?.slice(0, 64) ?? 'unknown';
}
