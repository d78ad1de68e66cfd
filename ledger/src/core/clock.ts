/** The ledger's only source of time: injected so tests can move it (hold expiry, month rollover). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The calendar month a cap counts in, UTC: 'YYYY-MM'. */
export function capPeriod(at: Date): string {
  return at.toISOString().slice(0, 7);
}
