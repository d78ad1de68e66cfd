// A short randomized pause before retrying after another writer won a race for the same wallet, so
// competing ledger processes spread out instead of colliding again in lockstep. Bounded.

/**
 * Attempts of a posting (capture, credit, adjust, refund) whose wallet condition keeps failing because
 * other processes post to the same wallet first. Every such failure means another posting committed,
 * so the wallet as a whole always progresses; the jittered pauses below spread the racers out so one
 * loser does not keep losing. Worst case about a second of pauses before `ledger_unavailable`.
 */
export const WALLET_CONTENDED_ATTEMPTS_MAX = 24;

const PAUSE_BASE_MS = 2;
const PAUSE_CAP_MS = 50;

export function contentionPause(attempt: number): Promise<void> {
  const ceiling = Math.min(PAUSE_CAP_MS, PAUSE_BASE_MS * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * ceiling)));
}
