import { Command } from 'commander';
import { VERSION } from './version.js';
import { registerServe } from './commands/serve.js';
import { registerWorker } from './commands/worker.js';
import { registerServerInfo } from './commands/server.js';
import { registerProjects } from './commands/projects.js';
import { registerTurns } from './commands/turns.js';
import { registerLogs } from './commands/logs.js';
import { registerSessions } from './commands/sessions.js';
import { registerPermissions } from './commands/permissions.js';
import { registerReview } from './commands/review.js';
import { registerAgents } from './commands/agents.js';
import { registerCompletion } from './commands/completion.js';
import { registerToken } from './commands/token.js';

const ROOT_HELP = `
Examples:
  $ boocode serve
  $ boocode run "add a --verbose flag to the build script"
  $ boocode ls
  $ boocode logs -f 1a2b3c4d
  $ boocode diff 1a2b3c4d | git apply

Exit codes: 0 success, 1 failure, 2 usage, 3 not found, 4 conflict or refused,
5 the turn failed (run, send, wait), 130 interrupted.
`;

/** The `boocode` command tree. */
export function buildProgram(): Command {
  const program = new Command()
    .name('boocode')
    .description('BooCode: a durable orchestration server for AI coding agents')
    .version(VERSION)
    .showHelpAfterError('(add --help for the commands and options)')
    // Options after a subcommand are the subcommand's: `permit ls --json` is ls's --json, not permit's.
    .enablePositionalOptions()
    .exitOverride();
  program.addHelpText('after', ROOT_HELP);

  // The command tree: one line per command group (docs/cli.md says how to add one).
  registerServe(program);
  registerWorker(program);
  registerServerInfo(program);
  registerProjects(program);
  registerTurns(program);
  registerLogs(program);
  registerSessions(program);
  registerPermissions(program);
  registerReview(program);
  registerAgents(program);
  registerToken(program);
  registerCompletion(program);
  return program;
}
