// `npm run bench`: measures what fleeex adds to each call against the floor, prints the tables and
// rewrites BENCHMARKS.md. Not a test. See lib/config.ts for BENCH_QUICK and BENCH_ONLY.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS, sectionEnabled } from './lib/config';
import { machineDescription } from './lib/machine';
import { renderMarkdown, renderText, type Table } from './lib/report';
import { benchTokenizer } from './sections/tokenizer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const BENCHMARKS_PATH = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineDescription();
  console.log(`fleeex bench (${SETTINGS.quick ? 'quick' : 'full'}) on ${machine.summary}`);
  const tables: Table[] = [];
  const show = (table: Table) => {
    tables.push(table);
    console.log(renderText(table));
  };

  if (sectionEnabled('tokenizer')) show(await benchTokenizer([]));

  const elapsedS = Math.round((Date.now() - started) / 1000);
  const markdown = [
    '# fleeex benchmarks',
    '',
    `Command: \`${SETTINGS.quick ? 'BENCH_QUICK=1 ' : ''}npm run bench\` (${elapsedS} s). ${machine.markdown}`,
    '',
    ...tables.map(renderMarkdown),
  ].join('\n');
  writeFileSync(BENCHMARKS_PATH, markdown);
  console.log(`wrote ${BENCHMARKS_PATH} in ${elapsedS} s`);
}

await main();
