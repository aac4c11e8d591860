import { Command, CommanderError } from 'commander';
import { VERSION } from '@boocode/server';
import { registerServe } from './commands/serve.js';
import { registerLoginUrl } from './commands/login-url.js';
import { registerWorker } from './commands/worker.js';

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
  console.error(`boocode: ${(err as Error).message}`);
  process.exit(1);
}
