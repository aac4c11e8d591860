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
import { registerBranch } from './commands/branch.js';
import { registerAgents } from './commands/agents.js';
import { registerCompletion } from './commands/completion.js';
import { registerWorkflows } from './commands/workflows.js';
import { registerTerminals } from './commands/terminals.js';
import { registerToken } from './commands/token.js';
import { registerMcp } from './commands/mcp.js';

const ROOT_HELP = `
Examples:
  $ boocode serve
  $ boocode run "add a --verbose flag to the build script"
  $ boocode ls
  $ boocode logs -f 1a2b3c4d
  $ boocode diff 1a2b3c4d | git apply

Exit codes: 0 success, 1 failure, 2 usage, 3 not found, 4 conflict or refused,
5 the turn failed (run, send, wait) or the workflow run did (workflow run --wait,
resume --wait, logs -f), 130 interrupted.
`;

/**
 * The command groups, each with the top-level commands it adds (checked by command-tree.test.ts).
 * Building every command costs a client command a good part of its start-up, so a command line
 * that names one builds only its group.
 */
const GROUPS: [register: (program: Command) => void, commands: string[]][] = [
  [registerServe, ['serve']],
  [registerWorker, ['worker']],
  [registerServerInfo, ['status', 'login-url']],
  [registerProjects, ['project']],
  [registerTurns, ['run', 'send', 'wait', 'stop']],
  [registerLogs, ['logs']],
  [registerSessions, ['ls', 'inspect', 'archive', 'rename']],
  [registerPermissions, ['permit']],
  [registerReview, ['diff', 'apply', 'reject', 'commit', 'merge', 'collisions']],
  [registerBranch, ['branch', 'update', 'push']],
  [registerAgents, ['agents']],
  [registerToken, ['token']],
  [registerMcp, ['mcp']],
  [registerWorkflows, ['workflow']],
  [registerTerminals, ['terminal']],
  [registerCompletion, ['completion']],
];

/**
 * The `boocode` command tree: the whole of it, or, given the command line (`process.argv`), only
 * the group of the command it names (all of them for `--help`, `help` or a name none has).
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command()
    .name('boocode')
    .description('BooCode: a durable orchestration server for AI coding agents')
    .version(VERSION)
    .showHelpAfterError('(add --help for the commands and options)')
    // Options after a subcommand are the subcommand's: `permit ls --json` is ls's --json, not permit's.
    .enablePositionalOptions()
    .exitOverride();
  program.addHelpText('after', ROOT_HELP);

  const named = argv?.slice(2).find((a) => !a.startsWith('-'));
  // `completion` prints a script for the whole tree.
  const only = named === 'completion' ? undefined : GROUPS.find(([, commands]) => named !== undefined && commands.includes(named));
  // `--version` alone needs no command at all.
  const versionOnly = argv !== undefined && named === undefined && argv.slice(2).some((a) => a === '-V' || a === '--version');
  for (const [register] of only ? [only] : versionOnly ? [] : GROUPS) register(program);
  return program;
}
