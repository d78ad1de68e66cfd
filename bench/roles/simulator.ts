// Host role: the Bedrock simulator in its own process (so the floor's server side never shares an
// event loop with the load generator or the gateway).
import { startBedrockSimulator } from '../../test/fakes/bedrock-simulator/index';
import type { RunningRole } from './role';

export async function startRole(options: Record<string, unknown>): Promise<RunningRole> {
  const number = (name: string) => (typeof options[name] === 'number' ? (options[name] as number) : undefined);
  const simulator = await startBedrockSimulator({
    ttftMs: number('ttft_ms'),
    perTokenMs: number('per_token_ms'),
    tokensPerDelta: number('tokens_per_delta'),
  });
  return { url: simulator.url, info: {}, stop: () => simulator.stop() };
}
