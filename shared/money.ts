// Money is an integer count of micro-EUR (1 EUR = 1,000,000 micros) everywhere in fleeex.
// Amounts are JS numbers holding safe integers; every product that could leave the safe range is
// computed in bigint and checked on the way back. No float ever touches an amount.

export const MICROS_PER_EUR = 1_000_000;
export const MICROS_PER_CENT = 10_000;

/** Largest amount fleeex accepts anywhere (1 billion EUR): far below Number.MAX_SAFE_INTEGER. */
export const AMOUNT_MICROS_MAX = 1_000_000_000 * MICROS_PER_EUR;

export class MoneyError extends Error {
  override name = 'MoneyError';
}

export function isMicros(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= -AMOUNT_MICROS_MAX &&
    value <= AMOUNT_MICROS_MAX
  );
}

/** Programmer-error guard: throws (never rounds) when an amount is not an integer in range. */
export function assertMicros(value: number, what = 'amount'): number {
  if (!isMicros(value)) throw new MoneyError(`${what} is not an integer micro-EUR amount in range: ${value}`);
  return value;
}

export function addMicros(...amounts: number[]): number {
  let total = 0;
  for (const amount of amounts) total = assertMicros(total + assertMicros(amount), 'sum');
  return total;
}

export function subMicros(a: number, b: number): number {
  return assertMicros(assertMicros(a) - assertMicros(b), 'difference');
}

/** Integer division rounding toward +infinity. Divisor must be positive. */
export function divCeil(numerator: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) throw new MoneyError('divisor must be positive');
  const quotient = numerator / divisor; // bigint division truncates toward zero
  return numerator % divisor > 0n ? quotient + 1n : quotient;
}

/** Integer division rounding toward -infinity. Divisor must be positive. */
export function divFloor(numerator: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) throw new MoneyError('divisor must be positive');
  const quotient = numerator / divisor;
  return numerator % divisor < 0n ? quotient - 1n : quotient;
}

/** Converts a bigint result back to micros, refusing anything out of range. */
export function toMicros(value: bigint, what = 'amount'): number {
  if (value > BigInt(AMOUNT_MICROS_MAX) || value < -BigInt(AMOUNT_MICROS_MAX)) {
    throw new MoneyError(`${what} out of range: ${value}`);
  }
  return Number(value);
}

const EUR_PATTERN = /^(-)?(\d{1,10})(?:\.(\d{1,6}))?$/;

/**
 * Parses a EUR decimal string ("5", "5.00", "0.000001", "-2.5") into micros. Exact: more than six
 * decimals, exponents, spaces, commas and empty strings are refused rather than rounded.
 */
export function parseEur(text: string): number {
  const match = EUR_PATTERN.exec(text);
  if (!match) throw new MoneyError(`not a EUR amount with at most 6 decimals: ${JSON.stringify(text)}`);
  const [, minus, whole, fraction = ''] = match;
  const micros = BigInt(whole!) * BigInt(MICROS_PER_EUR) + BigInt(fraction.padEnd(6, '0'));
  return toMicros(minus ? -micros : micros, 'parsed amount');
}

/**
 * Formats micros as an exact EUR decimal: at least two decimals, trailing zeros beyond that dropped
 * (5_000_000 -> "5.00", 1_234_500 -> "1.2345", 1 -> "0.000001"). parseEur(formatEur(x)) === x.
 */
export function formatEur(micros: number): string {
  assertMicros(micros);
  const sign = micros < 0 ? '-' : '';
  const magnitude = Math.abs(micros);
  const whole = Math.floor(magnitude / MICROS_PER_EUR);
  let fraction = String(magnitude % MICROS_PER_EUR).padStart(6, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${sign}${whole}.${fraction}`;
}

export type CentRounding = 'floor' | 'ceil';

/**
 * Formats micros for people, in whole cents with a stated rounding direction: balances shown to an
 * owner round down (never promise money that is not there), prices and charges round up.
 */
export function formatEurCents(micros: number, rounding: CentRounding): string {
  assertMicros(micros);
  const cents =
    rounding === 'floor'
      ? divFloor(BigInt(micros), BigInt(MICROS_PER_CENT))
      : divCeil(BigInt(micros), BigInt(MICROS_PER_CENT));
  const sign = cents < 0n ? '-' : '';
  const magnitude = cents < 0n ? -cents : cents;
  return `${sign}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
}

/** Whole cents (Stripe's unit for EUR) to micros. */
export function centsToMicros(cents: number): number {
  if (!Number.isSafeInteger(cents)) throw new MoneyError(`cents must be an integer: ${cents}`);
  return toMicros(BigInt(cents) * BigInt(MICROS_PER_CENT), 'cents');
}
