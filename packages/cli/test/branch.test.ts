import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliTurn, Project, PushResult, SessionBranchStatus, UpdateFromBaseResult } from '@boocode/contracts';
import { fakeGh, startFakeLlm, type FakeGh, type FakeLlm, type ScriptedToolCall } from '@boocode/testkit';
import { addBareRemote, git, makeGitRepo, runCli, startTestServer, type TestServer } from '@boocode/testkit/server';
import { jsonOf, lines } from './helpers.js';

// branch, update and push against a real server, real repositories (a bare one as the remote) and a
// recording `gh` first on the server's PATH.

let llm: FakeLlm;
let server: TestServer;
let gh: FakeGh;
let repo: string;
let env: Record<string, string>;

const edit = (file: string, from: string, to: string): ScriptedToolCall => ({ name: 'edit_file', arguments: { path: file, old_string: from, new_string: to } });

/** A new session whose one turn (prompt `tag`) makes these edits; returns it once the turn completed. */
async function sessionThatEdits(tag: string, calls: ScriptedToolCall[]): Promise<CliTurn> {
  llm.push({ match: { lastUserIncludes: tag }, toolCalls: calls }, { match: { lastUserIncludes: tag }, text: 'done' });
  const turn = jsonOf(CliTurn, await runCli(['run', tag, '--json', '--name', tag], env, { cwd: repo }));
  expect(turn.task.status).toBe('completed');
  return turn;
}

/** The project's main branch moves on: `file` gets `content`, committed. */
async function mainCommits(file: string, content: string): Promise<void> {
  writeFileSync(path.join(repo, file), content);
  await git(repo, 'add', file);
  await git(repo, 'commit', '-qm', `main edits ${file}`);
}

/** The checkout of `branch` (the session's worktree): its HEAD, its status and its files. */
async function worktreeState(branch: string) {
  const list = await git(repo, 'worktree', 'list', '--porcelain');
  const wt = list.split('\n\n').find((b) => b.includes(`branch refs/heads/${branch}\n`) || b.endsWith(`branch refs/heads/${branch}`))!.match(/^worktree (.+)$/m)![1]!;
  return {
    head: (await git(wt, 'rev-parse', 'HEAD')).trim(),
    status: await git(wt, 'status', '--porcelain=v1', '--untracked-files=all'),
    files: Object.fromEntries(['a.txt', 'b.txt'].map((f) => [f, readFileSync(path.join(wt, f), 'utf8')])),
  };
}

const branchOf = async (id: string) => jsonOf(SessionBranchStatus, await runCli(['branch', id, '--json'], env));

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' } });
  gh = fakeGh();
  server = await startTestServer({
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k', ...gh.env },
    writeIntervalMs: 50,
  });
  repo = await makeGitRepo({ 'a.txt': 'alpha\n', 'b.txt': 'bravo\n' });
  env = { BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token };
  jsonOf(Project, await runCli(['project', 'add', repo, '--json'], env));
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

describe('branch, update and push', () => {
  let first: string;

  it('without a remote: branch says why nothing can be pushed, push exits 4; unknown sessions exit 3, bad options 2', async () => {
    first = (await sessionThatEdits('Make alpha loud', [edit('a.txt', 'alpha', 'ALPHA')])).session.id;
    const human = await runCli(['branch', first.slice(0, 8)], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^branch +boocode\/\S+$/m);
    expect(human.stdout).toMatch(/^base +main$/m);
    expect(human.stdout).toMatch(/^remote +none$/m);
    expect(human.stdout).toMatch(/^push +no: the project has no git remote to push to$/m);
    expect(human.stdout).toMatch(/^pull request +no: the project has no git remote to open a pull request on$/m);

    const push = await runCli(['push', first], env);
    expect(push.code).toBe(4);
    expect(push.stderr).toMatch(/^boocode: no_remote: the project has no git remote to push to$/m);

    for (const cmd of ['branch', 'update', 'push']) {
      const unknown = await runCli([cmd, '0000dead'], env);
      expect(unknown.code, cmd).toBe(3);
      expect(unknown.stderr, cmd).toMatch(/^boocode: .*0000dead/m);
    }
    const noPr = await runCli(['push', first, '--title', 'A title'], env);
    expect(noPr.code).toBe(2);
    expect(noPr.stderr).toContain('--title and --body are for the pull request: add --pr');
    const blank = await runCli(['push', first, '--pr', '--title', '  '], env);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('--title must not be empty');
  });

  it('counts the commits behind, brings them in with update, and pushes with a pull request written from the prompts', async () => {
    const remote = await addBareRemote(repo);
    await mainCommits('c.txt', 'charlie\n');
    const st = await branchOf(first);
    expect(st).toMatchObject({ base_branch: 'main', behind: 1, ahead: 0, remote: 'origin', update: { available: true }, push: { available: true }, pull_request: { available: true } });
    expect((await runCli(['branch', first, '-q'], env)).stdout).toBe(`${st.branch}\n`);

    const updating = await runCli(['update', first, '--json'], env);
    const updated = jsonOf(UpdateFromBaseResult, updating);
    expect(updated).toMatchObject({ status: 'updated', base_branch: 'main', merged_commits: 1 });
    expect(updating.stderr).toContain(`merging main into ${st.branch}…`);
    expect((await worktreeState(st.branch!)).files['a.txt']).toBe('ALPHA\n');
    const again = await runCli(['update', first], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('already up to date with main\n');

    const pushing = await runCli(['push', first, '-m', 'Loud alpha', '--pr', '--json'], env);
    const pushed = jsonOf(PushResult, pushing);
    expect(pushed).toMatchObject({ remote: 'origin', branch: st.branch, uncommitted_files: [], pull_request_url: 'https://github.com/example/project/pull/7' });
    expect(pushing.stderr).toContain(`pushing ${st.branch} to origin and opening a pull request into main with gh…`);
    expect((await git(remote, 'rev-parse', `refs/heads/${st.branch}`)).trim()).toBe(pushed.commit);
    expect(await git(remote, 'show', `${pushed.commit}:a.txt`)).toBe('ALPHA\n');
    // The title is the session's request; gh gets it as one argument, never through a shell.
    expect(gh.calls('pr', 'create').at(-1)).toEqual(['pr', 'create', '--head', st.branch, '--base', 'main', '--title', 'Make alpha loud', '--body', '']);

    const title = 'Loud "alpha"; $(touch /tmp/boocode-pwned) `x`';
    const human = await runCli(['push', first, '--pr', '--title', title, '--body', 'Asked:\n- loud'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`pushed ${st.branch} to origin (${pushed.commit.slice(0, 12)})\npull request: https://github.com/example/project/pull/7\n`);
    expect(gh.calls('pr', 'create').at(-1)).toEqual(['pr', 'create', '--head', st.branch, '--base', 'main', '--title', title, '--body', 'Asked:\n- loud']);
    expect(lines((await runCli(['push', first, '--pr', '-q'], env)).stdout)).toEqual(['https://github.com/example/project/pull/7']);
    expect(lines((await runCli(['push', first, '-q'], env)).stdout)).toEqual([pushed.commit]);
  });

  it('update refuses uncommitted files in the way and a conflict, naming the file, exit 4, the worktree untouched', async () => {
    const id = (await sessionThatEdits('Shout bravo', [edit('b.txt', 'bravo', 'BRAVO')])).session.id;
    const { branch } = await branchOf(id);
    await mainCommits('b.txt', 'bravo from main\n');

    const before = await worktreeState(branch!);
    const dirty = await runCli(['update', id], env);
    expect(dirty.code).toBe(4);
    expect(dirty.stderr).toMatch(/^boocode: dirty_worktree: the update from main changes 1 file\(s\) that have uncommitted changes in the session: b\.txt\. Commit or reject them first; nothing was changed\.$/m);
    expect(await worktreeState(branch!)).toEqual(before);

    expect((await runCli(['commit', id, '-m', 'Shout bravo'], env)).code).toBe(0);
    const committed = await worktreeState(branch!);
    const conflict = await runCli(['update', id, '--json'], env);
    expect(conflict.code).toBe(4);
    expect(conflict.stdout).toBe('');
    expect(conflict.stderr).toMatch(new RegExp(`^boocode: merge_conflict: main cannot be merged into ${branch}: 1 file\\(s\\) conflict: b\\.txt\\. Nothing was changed\\.$`, 'm'));
    expect(await worktreeState(branch!)).toEqual(committed);
    expect(committed.status).toBe('');
  });

  it('without gh offers no pull request and refuses one before pushing; when gh fails the push is kept and gh is quoted', async () => {
    const id = (await sessionThatEdits('Quiet alpha', [edit('a.txt', 'alpha', 'a quiet alpha')])).session.id;
    const { branch } = await branchOf(id);
    const calls = gh.calls().length;
    gh.setInstalled(false);
    try {
      expect((await runCli(['branch', id], env)).stdout).toMatch(/^pull request +no: the gh command is not installed on the server's PATH$/m);
      const refused = await runCli(['push', id, '--pr', '-m', 'Quiet alpha'], env);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/^boocode: gh_unavailable: the gh command is not installed on the server's PATH: the branch was not pushed$/m);
      expect(await git(repo, 'ls-remote', 'origin', `refs/heads/${branch}`)).toBe('');
      const plain = await runCli(['push', id, '--json'], env);
      // Without -m the edit stays in the worktree: only commits are pushed, and it says which files stayed.
      expect(jsonOf(PushResult, plain)).toMatchObject({ branch, uncommitted_files: ['a.txt'], pull_request_url: null });
      expect(plain.stderr).toContain('not pushed, left uncommitted in the worktree: a.txt (commit them with -m)');
      expect(gh.calls().length).toBe(calls);
    } finally {
      gh.setInstalled(true);
    }

    const said = 'pull request create failed: GraphQL: Resource not accessible by integration (createPullRequest)';
    gh.failWith(said);
    try {
      const failed = await runCli(['push', id, '-m', 'Quiet alpha', '--pr'], env);
      expect(failed.code).toBe(4);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toContain(`boocode: pull_request_failed: the branch ${branch} was pushed to origin, but gh could not open the pull request: ${said}\n`);
      const head = (await worktreeState(branch!)).head;
      expect((await git(repo, 'ls-remote', 'origin', `refs/heads/${branch}`)).split('\t')[0]).toBe(head);
    } finally {
      gh.failWith(null);
    }
  });

  it('when a pull request is already open, push prints its link (the url in --json and -q) and branch shows it', async () => {
    const id = (await sessionThatEdits('Loud bravo', [edit('b.txt', 'bravo', 'BRAVO')])).session.id;
    const { branch } = await branchOf(id);
    const url = gh.openPullRequest({ number: 3, title: 'Loud bravo', head: branch!, base: 'main' });

    const human = await runCli(['push', id, '-m', 'Loud bravo', '--pr'], env);
    expect(human.code).toBe(0);
    const head = (await worktreeState(branch!)).head;
    expect(human.stdout).toBe(`pushed ${branch} to origin (${head.slice(0, 12)})\nPull request #3 is already open for this branch: ${url}\n`);
    expect((await git(repo, 'ls-remote', 'origin', `refs/heads/${branch}`)).split('\t')[0]).toBe(head);

    const json = jsonOf(PushResult, await runCli(['push', id, '--pr', '--json'], env));
    expect(json).toMatchObject({ branch, commit: head, pull_request_url: url, existing_pull_request: { number: 3, url, title: 'Loud bravo' } });
    expect(lines((await runCli(['push', id, '--pr', '-q'], env)).stdout)).toEqual([url]);

    const shown = await runCli(['branch', id], env);
    expect(shown.stdout).toMatch(/^pull request +yes$/m);
    expect(shown.stdout).toContain(`open pull request  #3 ${url}\n`);
    expect(jsonOf(SessionBranchStatus, await runCli(['branch', id, '--json'], env)).open_pull_request).toEqual({ number: 3, url, title: 'Loud bravo' });
  });
});
