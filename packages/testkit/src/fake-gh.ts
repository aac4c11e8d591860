import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scratchDir } from './scratch.js';

export interface FakeGh {
  /** The directory holding the fake `gh`. */
  dir: string;
  /** The PATH to give the server: the fake's directory first, and no other `gh` after it. */
  path: string;
  /** The argument vectors `gh` was called with, oldest first. */
  calls(): string[][];
  /** From now on `gh` exits 1 with this text on stderr, as gh does when GitHub refuses; null: it answers again. */
  failWith(stderr: string | null): void;
  /** Takes `gh` off the PATH (false) or puts it back (true), as if it were uninstalled or installed. */
  setInstalled(installed: boolean): void;
}

/**
 * `PATH` with every directory holding `command` replaced by a copy of it (symbolic links to its
 * other entries) without that command, so a real install on the machine cannot be found.
 */
function pathWithout(command: string, searchPath: string): string {
  return searchPath
    .split(path.delimiter)
    .map((dir) => {
      if (!dir || !existsSync(path.join(dir, command))) return dir;
      const copy = scratchDir(`boocode-path-without-${command}-`);
      for (const entry of readdirSync(dir)) if (entry !== command) symlinkSync(path.join(dir, entry), path.join(copy, entry));
      return copy;
    })
    .join(path.delimiter);
}

/**
 * A stand-in for the GitHub CLI (which needs an account): an executable `gh` that records its argv,
 * one JSON array a line, and answers `pr create` with a pull request address the way gh prints it.
 */
export function fakeGh(): FakeGh {
  const dir = scratchDir('boocode-fake-gh-');
  const log = path.join(dir, 'calls.jsonl');
  const failure = path.join(dir, 'fail.txt');
  const script = `#!${process.execPath}
const fs = require('node:fs');
const argv = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(argv) + '\\n');
if (fs.existsSync(${JSON.stringify(failure)})) {
  process.stderr.write(fs.readFileSync(${JSON.stringify(failure)}, 'utf8'));
  process.exit(1);
}
if (argv[0] === 'pr' && argv[1] === 'create') {
  process.stderr.write('Creating pull request\\n');
  process.stdout.write('https://github.com/example/project/pull/7\\n');
}
`;
  const bin = path.join(dir, 'gh');
  const install = () => {
    writeFileSync(bin, script);
    chmodSync(bin, 0o755);
  };
  install();
  return {
    dir,
    path: `${dir}${path.delimiter}${pathWithout('gh', process.env.PATH ?? '')}`,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []),
    failWith: (stderr) => (stderr === null ? rmSync(failure, { force: true }) : writeFileSync(failure, `${stderr}\n`)),
    setInstalled: (installed) => (installed ? install() : rmSync(bin, { force: true })),
  };
}
