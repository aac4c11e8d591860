import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scratchDir } from './scratch.js';

/** A pull request the fake reports open, as GitHub holds it. */
export interface FakePullRequest {
  number: number;
  title: string;
  /** Its head and base branches. */
  head: string;
  base: string;
}

export interface FakeGh {
  /** The directory holding the fake `gh`. */
  dir: string;
  /**
   * The environment to give the server: `PATH` with the fake's directory first (and no other `gh`
   * after it), and `GH_CONFIG_DIR`, where the fake keeps its login (`hosts.yml`) as real gh does.
   */
  env: { PATH: string; GH_CONFIG_DIR: string };
  /** The argument vectors `gh` was called with, oldest first; with `prefix`, only those starting with it (`'pr', 'create'`). */
  calls(...prefix: string[]): string[][];
  /** From now on `gh pr create` exits 1 with this text on stderr, as gh does when GitHub refuses; null: it answers again. */
  failWith(stderr: string | null): void;
  /** Holds every `gh` call after it is recorded, unanswered (true), until released (false): a slow GitHub, without guessing times. */
  hold(held: boolean): void;
  /** Takes `gh` off the PATH (false) or puts it back (true), as if it were uninstalled or installed. */
  setInstalled(installed: boolean): void;
  /**
   * Logs gh out (false: `gh auth status` fails and so does every GitHub command, as real gh's do) or
   * back in; like real gh's `auth logout` and `auth login`, by removing or writing `hosts.yml`.
   */
  setLoggedIn(loggedIn: boolean): void;
  /**
   * Makes this pull request open on GitHub: `pr create` for its head and base is then refused the way real
   * gh refuses it, and `pr list --head` reports it. Returns its address. (Pull requests `pr create` opens
   * are not remembered: each answers with the same address.)
   */
  openPullRequest(pr: FakePullRequest): string;
}

const PULLS = 'https://github.com/example/project/pull';

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
 * one JSON array a line, and answers `pr create`, `pr list --json` and `auth status` with real gh's
 * exit codes, wording and JSON shapes (gh's own format strings; JSON compact, as gh prints it to a pipe).
 * It starts logged in.
 */
export function fakeGh(): FakeGh {
  const dir = scratchDir('boocode-fake-gh-');
  const configDir = path.join(dir, 'config');
  const hosts = path.join(configDir, 'hosts.yml');
  const file = (name: string) => JSON.stringify(path.join(dir, name));
  const script = `#!${process.execPath}
const fs = require('node:fs');
const argv = process.argv.slice(2);
fs.appendFileSync(${file('calls.jsonl')}, JSON.stringify(argv) + '\\n');
// A held call (GitHub still answering) waits for its release.
while (fs.existsSync(${file('hold')})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
const flag = (name) => { const i = argv.indexOf(name); return i < 0 ? undefined : argv[i + 1]; };
const fail = (text, code) => { process.stderr.write(text); process.exit(code); };
if (!fs.existsSync(require('node:path').join(process.env.GH_CONFIG_DIR ?? ${JSON.stringify(configDir)}, 'hosts.yml'))) {
  if (argv[0] === 'auth' && argv[1] === 'status') fail('You are not logged into any GitHub hosts. To log in, run: gh auth login\\n', 1);
  fail('To get started with GitHub CLI, please run:  gh auth login\\nAlternatively, populate the GH_TOKEN environment variable with a GitHub API authentication token.\\n', 4);
}
const pulls = fs.existsSync(${file('pulls.json')}) ? JSON.parse(fs.readFileSync(${file('pulls.json')}, 'utf8')) : [];
const open = (head, base) => pulls.filter((p) => p.head === head && (base === undefined || p.base === base));
if (argv[0] === 'auth' && argv[1] === 'status') {
  process.stderr.write('github.com\\n  \\u2713 Logged in to github.com account example (keyring)\\n');
} else if (argv[0] === 'pr' && argv[1] === 'create') {
  const [head, base] = [flag('--head'), flag('--base')];
  const existing = open(head, base)[0];
  if (existing) fail('a pull request for branch "' + head + '" into branch "' + base + '" already exists:\\n' + existing.url + '\\n', 1);
  if (fs.existsSync(${file('fail.txt')})) fail(fs.readFileSync(${file('fail.txt')}, 'utf8'), 1);
  process.stdout.write(${JSON.stringify(`${PULLS}/7`)} + '\\n');
} else if (argv[0] === 'pr' && argv[1] === 'list') {
  const fields = (flag('--json') ?? '').split(',').filter(Boolean);
  const found = open(flag('--head'), flag('--base')).slice(0, Number(flag('--limit') ?? 30));
  // gh prints the asked fields of each, keys sorted (Go's JSON encoding of a map), open ones only here.
  const shaped = found.map((p) => Object.fromEntries(fields.sort().map((f) => [f, { number: p.number, title: p.title, url: p.url, state: 'OPEN', headRefName: p.head, baseRefName: p.base }[f]])));
  process.stdout.write(JSON.stringify(shaped) + '\\n');
}
`;
  const bin = path.join(dir, 'gh');
  const pullsFile = path.join(dir, 'pulls.json');
  const install = () => {
    writeFileSync(bin, script);
    chmodSync(bin, 0o755);
  };
  install();
  const log = path.join(dir, 'calls.jsonl');
  const failure = path.join(dir, 'fail.txt');
  const logIn = () => {
    mkdirSync(configDir, { recursive: true });
    writeFileSync(hosts, 'github.com:\n    user: example\n    git_protocol: https\n');
  };
  logIn();
  return {
    dir,
    env: { PATH: `${dir}${path.delimiter}${pathWithout('gh', process.env.PATH ?? '')}`, GH_CONFIG_DIR: configDir },
    calls: (...prefix) =>
      (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []).filter((argv) =>
        prefix.every((p, i) => argv[i] === p),
      ),
    hold: (held) => (held ? writeFileSync(path.join(dir, 'hold'), '') : rmSync(path.join(dir, 'hold'), { force: true })),
    failWith: (stderr) => (stderr === null ? rmSync(failure, { force: true }) : writeFileSync(failure, `${stderr}\n`)),
    setInstalled: (installed) => (installed ? install() : rmSync(bin, { force: true })),
    setLoggedIn: (loggedIn) => (loggedIn ? logIn() : rmSync(hosts, { force: true })),
    openPullRequest: (pr) => {
      const url = `${PULLS}/${pr.number}`;
      const pulls = existsSync(pullsFile) ? (JSON.parse(readFileSync(pullsFile, 'utf8')) as unknown[]) : [];
      writeFileSync(pullsFile, JSON.stringify([...pulls, { ...pr, url }]));
      return url;
    },
  };
}
