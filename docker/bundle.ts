// Bundles TypeScript for production with esbuild (no tsx at runtime):
//   npx tsx docker/bundle.ts service <gateway|ledger>   -> dist/<name>/main.mjs (npm packages stay
//                                                          external: the image installs them with npm ci --omit=dev)
//   npx tsx docker/bundle.ts lambdas                    -> dist/lambda/<name>/index.mjs (self-contained,
//                                                          zipped by terraform/modules/jobs)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { LAMBDA_ENTRIES, SERVICE_ENTRIES, type ServiceName } from './entries';

const REPO = join(fileURLToPath(new URL('.', import.meta.url)), '..');

// CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'info',
  absWorkingDir: REPO,
};

function entryPath(entry: string): string {
  const path = join(REPO, entry);
  if (!existsSync(path)) throw new Error(`entry ${entry} does not exist (docker/entries.ts names it)`);
  return path;
}

export async function bundleService(name: ServiceName): Promise<void> {
  await build({
    ...COMMON,
    entryPoints: [entryPath(SERVICE_ENTRIES[name])],
    outfile: join(REPO, 'dist', name, 'main.mjs'),
    packages: 'external',
  });
}

export async function bundleLambdas(): Promise<void> {
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    await build({
      ...COMMON,
      entryPoints: [entryPath(entry)],
      outfile: join(REPO, 'dist', 'lambda', name, 'index.mjs'),
      banner: { js: REQUIRE_SHIM },
    });
  }
}

async function main(argv: string[]): Promise<void> {
  const [what, name] = argv;
  if (what === 'service' && (name === 'gateway' || name === 'ledger')) return bundleService(name);
  if (what === 'lambdas') return bundleLambdas();
  throw new Error('usage: tsx docker/bundle.ts service <gateway|ledger> | lambdas');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
