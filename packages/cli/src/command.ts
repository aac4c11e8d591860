import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionOptions } from './connection.js';
import { addOutputOptions, type OutputOptions } from './output/format.js';

/** The options every client command takes. */
export interface ClientOptions extends ConnectionOptions, OutputOptions {}

/** Examples at the end of a command's `--help`. */
export function withExamples(cmd: Command, examples: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

/** Finishes a client command: the output and connection options after its own, then its examples. */
export function clientCommand(cmd: Command, examples: string[]): Command {
  return withExamples(addConnectionOptions(addOutputOptions(cmd)), examples);
}
