import { CommanderError } from 'commander';
import { describeError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

const program = buildProgram(process.argv);

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
  const { exitCode, message } = await describeError(err);
  process.stderr.write(`boocode: ${message}\n`);
  process.exit(exitCode);
}
