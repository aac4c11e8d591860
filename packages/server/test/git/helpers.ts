import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { removeScratch, scratchDir } from '@boocode/testkit';
import { setGitBaseEnv } from '../../src/git/base-env.js';
import { gitEnv } from '../../src/git/exec.js';

// The live environment, so a test that changes a variable (HOME, GIT_DIR) is seen by git.
setGitBaseEnv(process.env);

/** Temp directories deliberately have spaces and non-ASCII letters in their names; removed when the test file ends. */
export function tempDir(label = 'boo code ü'): string {
  return scratchDir(`${label} `);
}

/** Plain git for arranging and checking fixtures, independent of the library under test. */
export function sh(cwd: string, args: string[], input?: string | Buffer): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), input, encoding: 'utf8', maxBuffer: 1 << 30 });
}

export function write(root: string, rel: string, content: string | Buffer): void {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
}

export function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

export function lines(n: number, tag = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n') + '\n';
}

/** Replaces 1-based line `n` of a file. */
export function editLine(root: string, rel: string, n: number, text: string): void {
  const ls = read(root, rel).split('\n');
  ls[n - 1] = text;
  write(root, rel, ls.join('\n'));
}

export interface Fixture {
  home: string;
  project: string;
  cleanup(): void;
}

/**
 * A project repository on branch `main` with one commit, inside a directory whose path has spaces and
 * unicode, and a BOOCODE_HOME beside it.
 */
export function makeProject(files: Record<string, string | Buffer> = { 'README.md': '# hi\n' }): Fixture {
  const base = tempDir();
  const project = path.join(base, 'my prøject');
  const home = path.join(base, 'boo home');
  mkdirSync(project);
  mkdirSync(home);
  sh(project, ['init', '-q', '-b', 'main']);
  sh(project, ['config', 'user.name', 'Test User']);
  sh(project, ['config', 'user.email', 'test@example.com']);
  sh(project, ['config', 'commit.gpgsign', 'false']);
  for (const [rel, content] of Object.entries(files)) write(project, rel, content);
  sh(project, ['add', '-A']);
  sh(project, ['commit', '-q', '-m', 'initial']);
  return { home, project, cleanup: () => removeScratch(base) };
}

export function commitAll(cwd: string, message: string): string {
  sh(cwd, ['add', '-A']);
  sh(cwd, ['commit', '-q', '-m', message]);
  return sh(cwd, ['rev-parse', 'HEAD']).trim();
}

/**
 * Everything a review action could disturb in a project: every file of the working tree (bytes and
 * symlink targets), the index, HEAD and all refs. Two equal snapshots mean "left untouched".
 */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (r === '.git') continue;
      const st = lstatSync(path.join(root, r));
      if (st.isDirectory()) walk(r);
      else if (st.isSymbolicLink()) out[r] = `symlink:${readlinkSync(path.join(root, r))}`;
      else out[r] = createHash('sha256').update(readFileSync(path.join(root, r))).digest('hex') + `:${st.mode}`;
    }
  };
  walk('');
  out['<index>'] = createHash('sha256').update(readFileSync(path.join(root, '.git', 'index'))).digest('hex');
  out['<HEAD>'] = readFileSync(path.join(root, '.git', 'HEAD'), 'utf8');
  out['<refs>'] = sh(root, ['for-each-ref', '--format=%(refname) %(objectname)']);
  out['<MERGE_HEAD>'] = String(safeExists(path.join(root, '.git', 'MERGE_HEAD')));
  return out;
}

function safeExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
