// A short randomized pause before retrying after another writer won a race for the same wallet, so
// competing ledger processes spread out instead of colliding again in lockstep. Bounded.

const PAUSE_BASE_MS = 2;
const PAUSE_CAP_MS = 50;

export function contentionPause(attempt: number): Promise<void> {
  const ceiling = Math.min(PAUSE_CAP_MS, PAUSE_BASE_MS * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * ceiling)));
}
