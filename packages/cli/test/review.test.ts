import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyResult, CliTurn, CommitResult, MergeResult, ProjectCollisions, Project, RejectResult, SessionDiff } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm, type ScriptedToolCall } from '@boocode/testkit';
import { git, makeGitRepo, runCli, startTestServer, type TestServer } from '@boocode/testkit/server';
import { jsonOf, lines, ptyCli } from './helpers.js';

const sh = promisify(execFile);
const BIN = new URL('../bin/boocode.js', import.meta.url).pathname;

let llm: FakeLlm;
let server: TestServer;
let repo: string;
let env: Record<string, string>;
let project: Project;

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');
const edit = (file: string, from: string, to: string): ScriptedToolCall => ({ name: 'edit_file', arguments: { path: file, old_string: from, new_string: to } });
const write = (file: string, content: string): ScriptedToolCall => ({ name: 'write_file', arguments: { path: file, content } });

/** A new session whose one turn makes these edits; returns it once the turn completed. */
async function sessionThatEdits(tag: string, calls: ScriptedToolCall[]): Promise<CliTurn> {
  llm.push({ match: { lastUserIncludes: tag }, toolCalls: calls }, { match: { lastUserIncludes: tag }, text: 'done' });
  const turn = jsonOf(CliTurn, await runCli(['run', tag, '--json', '--name', tag], env, { cwd: repo }));
  expect(turn.task.status).toBe('completed');
  return turn;
}

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' } });
  server = await startTestServer({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' }, writeIntervalMs: 50 });
  repo = await makeGitRepo({ 'a.txt': numbered(10), 'b.txt': 'bravo\n' });
  env = { BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token };
  project = jsonOf(Project, await runCli(['project', 'add', repo, '--json'], env));
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

describe('review', () => {
  it('diff piped into git apply reproduces the change in a clean copy of the repository', async () => {
    const turn = await sessionThatEdits('change a', [edit('a.txt', 'line 3\n', 'line three\n'), write('new dir/c.txt', 'charlie\n')]);
    const id = turn.session.id.slice(0, 8);
    const copy = path.join(await mkdtemp(path.join(tmpdir(), 'boocode-cli-copy-')), 'copy');
    await git(path.dirname(copy), 'clone', '-q', repo, copy);
    // A real shell pipe, as a person would type it.
    await sh('sh', ['-c', `"${process.execPath}" "${BIN}" diff ${id} | git apply`], { cwd: copy, env: { ...process.env, ...env } });
    expect(readFileSync(path.join(copy, 'a.txt'), 'utf8')).toBe(numbered(10).replace('line 3\n', 'line three\n'));
    expect(readFileSync(path.join(copy, 'new dir/c.txt'), 'utf8')).toBe('charlie\n');

    const diff = jsonOf(SessionDiff, await runCli(['diff', id, '--json'], env));
    expect(diff.stats).toEqual({ files: 2, additions: 2, deletions: 1 });
    expect(lines((await runCli(['diff', id, '-q'], env)).stdout)).toEqual(['a.txt', 'new dir/c.txt']);
    const stat = await runCli(['diff', id, '--stat'], env);
    expect(stat.stdout).toMatch(/^modified +1 +1 +a\.txt$/m);
    expect(stat.stdout).toContain('2 file(s), +2 -1');
    // At a terminal the patch is coloured.
    const tty = await ptyCli(['diff', id], env, repo);
    expect(await tty.exited).toBe(0);
    expect(tty.output()).toContain('\x1b[32m+line three\x1b[39m');
    expect(tty.output()).toContain('\x1b[31m-line 3\x1b[39m');

    // apply writes the change into the project's working tree.
    expect(jsonOf(ApplyResult, await runCli(['apply', id, '--json'], env)).files.sort()).toEqual(['a.txt', 'new dir/c.txt']);
    expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toContain('line three\n');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'applied from the session');
  });

  it('commit then merge into the current branch; a conflicting merge exits 4 naming the files and changes nothing', async () => {
    const ok = await sessionThatEdits('change b', [edit('b.txt', 'bravo', 'BRAVO')]);
    const commit = jsonOf(CommitResult, await runCli(['commit', ok.session.id, '-m', 'Shout bravo', '--json'], env));
    expect(commit.files).toEqual(['b.txt']);
    const merged = jsonOf(MergeResult, await runCli(['merge', ok.session.id, '--json'], env));
    expect(merged).toMatchObject({ status: 'merged', target_branch: 'main' });
    expect(readFileSync(path.join(repo, 'b.txt'), 'utf8')).toBe('BRAVO\n');

    const clash = await sessionThatEdits('change line 5', [edit('a.txt', 'line 5\n', 'line five from the agent\n')]);
    writeFileSync(path.join(repo, 'a.txt'), readFileSync(path.join(repo, 'a.txt'), 'utf8').replace('line 5\n', 'line 5 upstream\n'));
    await git(repo, 'commit', '-qam', 'upstream');
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim();
    const conflict = await runCli(['merge', clash.session.id, '--into', 'main', '-m', 'Line five'], env);
    expect(conflict.code).toBe(4);
    expect(conflict.stderr).toMatch(/^boocode: merge_conflict: merging .* into main conflicts in 1 file\(s\): a\.txt; nothing was changed$/m);
    expect((await git(repo, 'rev-parse', 'HEAD')).trim()).toBe(head);
    expect(await git(repo, 'status', '--porcelain')).toBe('');

    const unknownBranch = await runCli(['merge', clash.session.id, '--into', 'no-such-branch'], env);
    expect(unknownBranch.code).toBe(3);
  });

  it('collisions lists sessions changing the same lines; reject drops a pending change', async () => {
    const one = await sessionThatEdits('first on line 8', [edit('a.txt', 'line 8\n', 'line eight\n')]);
    const two = await sessionThatEdits('second on line 8', [edit('a.txt', 'line 8\n', 'LINE 8\n')]);
    const found = jsonOf(ProjectCollisions, await runCli(['collisions', '--json'], env, { cwd: repo }));
    const pair = [one.session.id, two.session.id].sort();
    const same = found.collisions.find((c) => c.severity === 'same_line');
    expect(same).toMatchObject({ file: 'a.txt', ranges: [[8, 8]], other_ranges: [[8, 8]] });
    expect([same!.session_id, same!.other_session_id].sort()).toEqual(pair);
    const table = await runCli(['collisions', '--project', project.name], env);
    expect(table.stdout).toMatch(new RegExp(`^a\\.txt +${same!.session_id.slice(0, 8)} +${same!.other_session_id.slice(0, 8)} +same_line$`, 'm'));

    const rejected = jsonOf(RejectResult, await runCli(['reject', two.session.id, '--json'], env));
    expect(rejected.base_commit).toMatch(/^[0-9a-f]{40}$/);
    const left = jsonOf(ProjectCollisions, await runCli(['collisions', '--project', repo, '--json'], env)).collisions;
    expect(left.filter((c) => c.session_id === two.session.id || c.other_session_id === two.session.id)).toEqual([]);
    const nothing = await runCli(['apply', two.session.id], env);
    expect(nothing.code).toBe(4);
    expect(nothing.stderr).toMatch(/^boocode: (no_pending_change|change_not_pending): /);
  });

  it('a session before its first turn has no diff to show (exit 4)', async () => {
    const fresh = await server.api<{ id: string }>('POST', '/api/sessions', { project_id: project.id });
    const diff = await runCli(['diff', fresh.body.id], env);
    expect(diff.code).toBe(4);
    expect(diff.stderr).toContain('has no worktree yet');
  });
});
