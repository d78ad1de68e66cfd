// simulatorOptionsFromEnv: defaults, parsing, and a bad value named in the error.
import { describe, expect, it } from 'vitest';
import { SIMULATOR_PORT_DEFAULT, simulatorOptionsFromEnv } from '../fakes/bedrock-simulator/index';

describe('simulatorOptionsFromEnv', () => {
  it('defaults to port 8790 on loopback with no latency', () => {
    expect(simulatorOptionsFromEnv({})).toEqual({ port: SIMULATOR_PORT_DEFAULT, host: '127.0.0.1', ttftMs: 0, perTokenMs: 0, tokensPerDelta: 3 });
    expect(SIMULATOR_PORT_DEFAULT).toBe(8790);
  });

  it('reads every variable', () => {
    const options = simulatorOptionsFromEnv({
      FLEEEX_SIMULATOR_PORT: '9001',
      FLEEEX_SIMULATOR_HOST: '0.0.0.0',
      FLEEEX_SIMULATOR_TTFT_MS: '250',
      FLEEEX_SIMULATOR_PER_TOKEN_MS: '12',
      FLEEEX_SIMULATOR_TOKENS_PER_DELTA: '1',
    });
    expect(options).toEqual({ port: 9001, host: '0.0.0.0', ttftMs: 250, perTokenMs: 12, tokensPerDelta: 1 });
  });

  it('names the variable that is wrong', () => {
    expect(() => simulatorOptionsFromEnv({ FLEEEX_SIMULATOR_PER_TOKEN_MS: 'fast' })).toThrow(/FLEEEX_SIMULATOR_PER_TOKEN_MS/);
    expect(() => simulatorOptionsFromEnv({ FLEEEX_SIMULATOR_TOKENS_PER_DELTA: '0' })).toThrow(/FLEEEX_SIMULATOR_TOKENS_PER_DELTA/);
  });
});
