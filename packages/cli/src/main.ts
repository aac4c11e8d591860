import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { errorText } from '@boocode/client';
import { registerServe } from './commands/serve.js';
import { registerLoginUrl } from './commands/login-url.js';
import { registerWorker } from './commands/worker.js';

// The CLI's own version: the client commands do not load the server package.
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command()
  .name('boocode')
  .description('BooCode: a durable orchestration server for AI coding agents')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerWorker(program);
registerLoginUrl(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error(`boocode: ${errorText(err)}`);
  process.exit(1);
}
