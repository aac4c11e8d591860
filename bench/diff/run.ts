// Session diff benchmark: `diffWorktree` (temporary index + intent-to-add for new files + one
// `git diff` + patch parsing) against plain `git diff` of the same tree, on this machine.
//   node --conditions=source --import tsx bench/diff/run.ts [runs]
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { diffWorktree, ensureSessionWorktree } from '../../packages/server/src/git/index.js';
import { gitEnv } from '../../packages/server/src/git/exec.js';
import { removeScratch, scratchDir } from '@boocode/testkit';

const execFileP = promisify(execFile);
const RUNS = Number(process.argv[2] ?? 7);

async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileP('git', args, { cwd, env: gitEnv(env), maxBuffer: 1 << 30, encoding: 'utf8' });
  return stdout;
}

function p50(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: page cache, index stat refresh
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function text(lines: number, tag: string): string {
  let s = '';
  for (let i = 0; i < lines; i++) s += `${tag} line ${i} ${'x'.repeat(40)}\n`;
  return s;
}

interface Scenario {
  name: string;
  files: Record<string, string>;
  /** The agent's change, in the worktree. */
  change(root: string): void;
  /** Plain git's equivalent: a copy of the worktree index with intent-to-add for new files. */
  newFiles: boolean;
}

const scenarios: Scenario[] = [
  {
    name: '1,000 modified files',
    files: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`src/dir ${i % 20}/file ${i}.ts`, text(60, `f${i}`)])),
    change(root) {
      for (let i = 0; i < 1000; i++) {
        const lines = text(60, `f${i}`).split('\n');
        lines[30] = `changed by the agent ${i}`;
        writeFileSync(path.join(root, `src/dir ${i % 20}/file ${i}.ts`), lines.join('\n'));
      }
    },
    newFiles: false,
  },
  {
    name: '1,000 new files',
    files: { 'README.md': 'x\n' },
    change(root) {
      for (let i = 0; i < 1000; i++) {
        mkdirSync(path.join(root, `gen/d${i % 20}`), { recursive: true });
        writeFileSync(path.join(root, `gen/d${i % 20}/new ${i}.ts`), text(60, `n${i}`));
      }
    },
    newFiles: true,
  },
  {
    name: '10 MB single file',
    // ~10 MB of text; every 50th line changes, so the patch itself is large.
    files: { 'data/big.txt': text(200_000, 'big') },
    change(root) {
      const lines = text(200_000, 'big').split('\n');
      for (let i = 0; i < lines.length; i += 50) lines[i] = `edited ${i}`;
      writeFileSync(path.join(root, 'data/big.txt'), lines.join('\n'));
    },
    newFiles: false,
  },
];

async function main(): Promise<void> {
  const base = scratchDir('boocode bench diff ');
  const rows: string[][] = [['scenario', 'changed', 'patch MB', 'diffWorktree p50 ms', 'git diff p50 ms', 'ratio']];
  try {
    for (const [n, sc] of scenarios.entries()) {
      const project = path.join(base, `project ${n}`);
      mkdirSync(project, { recursive: true });
      await git(project, ['init', '-q', '-b', 'main']);
      for (const [rel, content] of Object.entries(sc.files)) {
        mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
        writeFileSync(path.join(project, rel), content);
      }
      await git(project, ['add', '-A']);
      await git(project, ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '-m', 'base']);
      const wt = await ensureSessionWorktree({
        home: path.join(base, 'home'),
        projectId: `p${n}`,
        projectPath: project,
        sessionId: `s${n}`,
        sessionSlug: `bench ${n}`,
      });
      sc.change(wt.path);

      const ours = await time(() => diffWorktree({ path: wt.path, baseCommit: wt.base_commit }));
      const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });

      // Baseline: the bare `git diff` producing the same patch, new files pre-registered once (outside
      // the timing) in a scratch index, i.e. everything except what BooCode adds around it.
      const scratch = path.join(base, `index ${n}`);
      copyFileSync((await git(wt.path, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim(), scratch);
      if (sc.newFiles) await git(wt.path, ['add', '-N', '.'], { GIT_INDEX_FILE: scratch });
      const args = ['-c', 'core.quotepath=false', 'diff', '--binary', '-M', '-U3', '--no-color', '--no-ext-diff', wt.base_commit];
      const baselinePatch = await git(wt.path, args, { GIT_INDEX_FILE: scratch });
      if (baselinePatch !== diff.patch) throw new Error(`${sc.name}: baseline patch differs from diffWorktree's`);
      const theirs = await time(() => git(wt.path, args, { GIT_INDEX_FILE: scratch }));

      const a = p50(ours);
      const b = p50(theirs);
      rows.push([
        sc.name,
        String(diff.stats.files),
        (Buffer.byteLength(diff.patch) / 1e6).toFixed(1),
        a.toFixed(1),
        b.toFixed(1),
        `${(a / b).toFixed(2)}x`,
      ]);
    }
  } finally {
    removeScratch(base);
  }
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  '));
  lines.splice(1, 0, width.map((w) => '-'.repeat(w)).join('  '));
  process.stdout.write(`diff benchmark, ${RUNS} runs each (p50), git ${(await git(tmpdir(), ['--version'])).trim()}\n`);
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
