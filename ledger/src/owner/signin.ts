// Email one-time-code sign-in and sessions. Codes and session ids are stored only as hashes; every
// counter (attempts, sends per email and per IP) is a conditional write, so concurrency cannot
// exceed a bound.
import { FleeexError } from '../../../shared/errors';
import type { OwnerConfig } from './config';
import { hashSigninCode, randomSigninCode, randomToken, safeEqual, sha256Hex } from './crypto';
import {
  RATE_WINDOW_MS,
  SESSION_TTL_MS,
  SIGNIN_CODE_ATTEMPTS_MAX,
  SIGNIN_CODE_TTL_MS,
  SIGNIN_SENDS_PER_EMAIL_MAX,
  SIGNIN_SENDS_PER_IP_MAX,
  SIGNIN_VERIFIES_PER_IP_MAX,
} from './limits';
import type { LedgerPort, Mailer } from './ports';
import type { OwnerStore, SessionItem } from './store';

export interface SignedIn {
  /** The raw cookie value: returned once, stored only as its SHA-256. */
  sessionToken: string;
  session: SessionItem;
}

export class SigninService {
  constructor(
    private readonly deps: { config: OwnerConfig; store: OwnerStore; ledger: LedgerPort; mailer: Mailer; now: () => Date },
  ) {}

  private async limit(scope: string, key: string, max: number): Promise<void> {
    const verdict = await this.deps.store.takeRateToken(scope, key, max, RATE_WINDOW_MS, this.deps.now());
    if (!verdict.allowed) {
      throw new FleeexError('rate_limit_exceeded', 'Too many attempts. Wait a few minutes and try again.', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  }

  /** `email` must already be normalised (EmailSchema). */
  async requestCode(email: string, ip: string): Promise<void> {
    await this.limit('signin-ip', ip, SIGNIN_SENDS_PER_IP_MAX);
    await this.limit('signin-email', email, SIGNIN_SENDS_PER_EMAIL_MAX);
    const code = randomSigninCode();
    const expiresAt = new Date(this.deps.now().getTime() + SIGNIN_CODE_TTL_MS);
    await this.deps.store.putSigninCode(email, hashSigninCode(this.deps.config.secret, email, code), expiresAt);
    await this.deps.mailer.sendSigninCode({ to: email, code, expiresAt });
  }

  async verifyCode(email: string, code: string, ip: string): Promise<SignedIn> {
    await this.limit('verify-ip', ip, SIGNIN_VERIFIES_PER_IP_MAX);
    const now = this.deps.now();
    const attempt = await this.deps.store.countSigninAttempt(email, SIGNIN_CODE_ATTEMPTS_MAX, now);
    if (!attempt.ok) {
      if (attempt.reason === 'expired') throw new FleeexError('code_expired', 'This code has expired. Ask for a new one.');
      if (attempt.reason === 'exhausted') throw new FleeexError('too_many_attempts', 'Too many wrong codes. Ask for a new one.');
      throw new FleeexError('invalid_code', 'That code is not valid. Ask for a new one.');
    }
    const expected = hashSigninCode(this.deps.config.secret, email, code);
    if (!safeEqual(attempt.item.code_hash, expected) || !(await this.deps.store.consumeSigninCode(email, expected))) {
      throw new FleeexError('invalid_code', 'That code is not right. Check the email and try again.');
    }
    const walletId = await this.ensureWallet(email);
    return this.createSession(email, walletId);
  }

  /**
   * The wallet for an email, created on first sign-in. The wallet is created first, then the email is
   * claimed for it with a conditional put: two racing first sign-ins agree on the one wallet whose
   * claim won (the loser's empty wallet is never reachable and holds no money).
   */
  async ensureWallet(email: string): Promise<string> {
    const existing = await this.deps.store.ownerWallet(email);
    if (existing) return existing;
    const wallet = await this.deps.ledger.createWallet({ owner_email: email });
    return this.deps.store.claimOwnerWallet(email, wallet.wallet_id, this.deps.now());
  }

  /** A new session id on every sign-in (the caller drops the old cookie and session). */
  private async createSession(email: string, walletId: string): Promise<SignedIn> {
    const sessionToken = randomToken();
    const session: SessionItem = {
      session_hash: sha256Hex(sessionToken),
      email,
      wallet_id: walletId,
      expires_at_s: Math.floor((this.deps.now().getTime() + SESSION_TTL_MS) / 1000),
    };
    await this.deps.store.putSession(session, this.deps.now());
    return { sessionToken, session };
  }

  /** The live session for a cookie value, or null (missing, unknown or expired). */
  async session(sessionToken: string | undefined): Promise<SessionItem | null> {
    if (!sessionToken || sessionToken.length > 128) return null;
    const session = await this.deps.store.getSession(sha256Hex(sessionToken));
    if (!session || session.expires_at_s <= Math.floor(this.deps.now().getTime() / 1000)) return null;
    return session;
  }

  async signOut(sessionToken: string | undefined): Promise<void> {
    if (!sessionToken || sessionToken.length > 128) return;
    await this.deps.store.deleteSession(sha256Hex(sessionToken));
  }
}
