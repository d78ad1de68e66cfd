// Hashing and random values for the owner flows. Codes and cookies are stored only as keyed hashes.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { SIGNIN_CODE_DIGITS } from './limits';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Constant-time string comparison (length is not secret here: both sides are fixed-length hashes). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Uniform over 000000..999999 (randomInt avoids modulo bias). */
export function randomSigninCode(): string {
  return String(randomInt(0, 10 ** SIGNIN_CODE_DIGITS)).padStart(SIGNIN_CODE_DIGITS, '0');
}

/** A code is hashed with the server secret and the email: a leaked table does not reveal codes. */
export function hashSigninCode(secret: string, email: string, code: string): string {
  return hmacHex(secret, `signin-code\n${email}\n${code}`);
}
