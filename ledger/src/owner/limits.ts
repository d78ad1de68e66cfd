// Every bound of the owner flows (sign-in, sessions, connect, top-ups), in one place. Units last.
import { MONTHLY_CAP_MICROS_MAX } from '../../../shared/contracts/connect';
import { MICROS_PER_EUR } from '../../../shared/money';

export const SIGNIN_CODE_DIGITS = 6;
export const SIGNIN_CODE_TTL_MS = 10 * 60 * 1000;
/** Wrong guesses allowed against one code before it is burnt (1e6 codes / 5 guesses). */
export const SIGNIN_CODE_ATTEMPTS_MAX = 5;
export const SIGNIN_SENDS_PER_EMAIL_MAX = 5;
export const SIGNIN_SENDS_PER_IP_MAX = 30;
export const SIGNIN_VERIFIES_PER_IP_MAX = 60;
export const RATE_WINDOW_MS = 15 * 60 * 1000;

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const EMAIL_CHARS_MAX = 254;

export const CONNECT_SESSION_TTL_MS = 15 * 60 * 1000;

export const TOPUP_MIN_MICROS = 5 * MICROS_PER_EUR;
export const TOPUP_MAX_MICROS = 500 * MICROS_PER_EUR;
export const TOPUP_PRESETS_MICROS = [10 * MICROS_PER_EUR, 20 * MICROS_PER_EUR, 50 * MICROS_PER_EUR] as const;
export const MONTHLY_CAP_MAX_MICROS = MONTHLY_CAP_MICROS_MAX;

export const WALLET_PAGE_ENTRIES = 20;
export const LOCAL_OUTBOX_MAILS_MAX = 50;
/** Items that only exist for a while (codes, rate windows, sessions) are purged this long after expiry. */
export const PURGE_GRACE_S = 24 * 60 * 60;
/** Processed Stripe events and top-ups are kept for audits. */
export const STRIPE_RECORD_RETENTION_S = 400 * 24 * 60 * 60;
