import { Option, type Command } from 'commander';
import { usageError } from '../exit-codes.js';
import { paintFor, type Paint } from './color.js';

/** `-o table|json|yaml`, `--json` and `-q`, on every client command. */
export interface OutputOptions {
  output?: 'table' | 'json' | 'yaml';
  json?: boolean;
  quiet?: boolean;
}

/** How a command prints its result: for people, as JSON or YAML (the contracts' shapes), or ids only. */
export type OutputMode = 'table' | 'json' | 'yaml' | 'quiet';

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']))
    .option('--json', 'print JSON (same as -o json)')
    .option('-q, --quiet', 'print ids only, one a line');
}

export function outputMode(opts: OutputOptions): OutputMode {
  const asked = [opts.output, opts.json ? 'json' : undefined, opts.quiet ? 'quiet' : undefined].filter((m) => m !== undefined);
  if (new Set(asked).size > 1) throw usageError(`give one output format: -o ${opts.output ?? 'table'}, --json and -q do not go together`);
  return (asked[0] as OutputMode | undefined) ?? 'table';
}

/** A command's result, and how to show it each way. */
export interface Result<T> {
  data: T;
  /** For people: a table, fields or a sentence. */
  human: (paint: Paint) => string;
  /** For `-q`. */
  ids: () => string[];
}

async function yaml(data: unknown): Promise<string> {
  // Loaded only for -o yaml: the other formats start without it.
  const { dump } = await import('js-yaml');
  return dump(data, { noRefs: true, lineWidth: -1 });
}

/** Prints a command's result on stdout in the chosen mode. */
export async function printResult<T>(mode: OutputMode, result: Result<T>): Promise<void> {
  const out = process.stdout;
  if (mode === 'json') out.write(JSON.stringify(result.data, null, 2) + '\n');
  else if (mode === 'yaml') out.write(await yaml(result.data));
  else if (mode === 'quiet') {
    const ids = result.ids();
    if (ids.length) out.write(ids.join('\n') + '\n');
  } else out.write(result.human(paintFor(out)));
}

/** One entry of a stream of results (`logs --json`): a JSON line, or a YAML document. */
export async function printEntry(mode: 'json' | 'yaml', data: unknown): Promise<void> {
  process.stdout.write(mode === 'json' ? JSON.stringify(data) + '\n' : `---\n${await yaml(data)}`);
}
