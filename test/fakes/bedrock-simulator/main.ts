// `npm run simulator`: the Bedrock simulator as a process (configuration: simulatorOptionsFromEnv).
import { simulatorOptionsFromEnv, startBedrockSimulator } from './index';

let options: ReturnType<typeof simulatorOptionsFromEnv>;
try {
  options = simulatorOptionsFromEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const sim = await startBedrockSimulator(options);
console.log(`bedrock simulator listening on ${sim.url} (ttft ${options.ttftMs} ms, ${options.perTokenMs} ms/token, ${options.tokensPerDelta} tokens/delta)`);

const shutdown = () => {
  sim.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
