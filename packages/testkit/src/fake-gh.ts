import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scratchDir } from './scratch.js';

export interface FakeGh {
  /** Put this directory first on the server's PATH so its `gh` is found. */
  dir: string;
  /** The argument vectors `gh` was called with, oldest first. */
  calls(): string[][];
}

/**
 * A stand-in for the GitHub CLI (which needs an account): an executable `gh` that records its argv,
 * one JSON array a line, and answers `pr create` with a pull request address the way gh prints it.
 * `fail` makes it exit 1 with that text on stderr, as gh does when GitHub refuses.
 */
export function fakeGh(opts: { fail?: string } = {}): FakeGh {
  const dir = scratchDir('boocode-fake-gh-');
  const log = path.join(dir, 'calls.jsonl');
  const script = `#!${process.execPath}
const fs = require('node:fs');
const argv = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(argv) + '\\n');
const fail = ${JSON.stringify(opts.fail ?? null)};
if (fail !== null) { process.stderr.write(fail + '\\n'); process.exit(1); }
if (argv[0] === 'pr' && argv[1] === 'create') {
  process.stderr.write('Creating pull request\\n');
  process.stdout.write('https://github.com/example/project/pull/7\\n');
}
`;
  const bin = path.join(dir, 'gh');
  writeFileSync(bin, script);
  chmodSync(bin, 0o755);
  return {
    dir,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []),
  };
}
