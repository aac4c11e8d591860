import { Command, CommanderError } from 'commander';
import { describeError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { VERSION } from './version.js';
import { registerServe } from './commands/serve.js';
import { registerServerInfo } from './commands/server.js';
import { registerProjects } from './commands/projects.js';
import { registerTurns } from './commands/turns.js';
import { registerLogs } from './commands/logs.js';
import { registerSessions } from './commands/sessions.js';
import { registerPermissions } from './commands/permissions.js';
import { registerReview } from './commands/review.js';
import { registerAgents } from './commands/agents.js';
import { registerCompletion } from './commands/completion.js';

const program = new Command()
  .name('boocode')
  .description('BooCode: a durable orchestration server for AI coding agents')
  .version(VERSION)
  .showHelpAfterError('(add --help for the commands and options)')
  // Options after a subcommand are the subcommand's: `permit ls --json` is ls's --json, not permit's.
  .enablePositionalOptions()
  .exitOverride();
program.addHelpText(
  'after',
  `
Examples:
  $ boocode serve
  $ boocode run "add a --verbose flag to the build script"
  $ boocode ls
  $ boocode logs -f 1a2b3c4d
  $ boocode diff 1a2b3c4d | git apply

Exit codes: 0 success, 1 failure, 2 usage, 3 not found, 4 conflict or refused,
5 the turn failed (run, send, wait), 130 interrupted.
`,
);

// The command tree: one line per command group (docs/cli.md says how to add one).
registerServe(program);
registerServerInfo(program);
registerProjects(program);
registerTurns(program);
registerLogs(program);
registerSessions(program);
registerPermissions(program);
registerReview(program);
registerAgents(program);
registerCompletion(program);

// `boocode ... | head`: a reader that goes away is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Commander has printed its message (or the help) already.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage);
  const { exitCode, message } = describeError(err);
  process.stderr.write(`boocode: ${message}\n`);
  process.exit(exitCode);
}
