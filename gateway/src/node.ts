// Node entry point: environment -> config -> serve. Stops gracefully on SIGTERM/SIGINT.
import { ConfigError, parseGatewayConfig } from './config';
import { startGatewayServer } from './server';

async function main(): Promise<void> {
  const config = parseGatewayConfig(process.env);
  const server = await startGatewayServer({
    port: config.port,
    host: config.host,
    ledgerUrl: config.ledgerUrl,
    serviceToken: config.serviceToken,
    bedrockEndpoint: config.bedrockEndpoint,
    bedrockRegion: config.bedrockRegion,
  });
  console.log(JSON.stringify({ level: 'info', message: 'gateway listening', url: server.url }));
  const stop = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
