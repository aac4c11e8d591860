import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Chat, PendingChange, Project, PushResult, Session, SessionBranchStatus, SessionDiff, Task, UpdateFromBaseResult } from '@boocode/contracts';
import { fakeGh, startFakeLlm, type FakeGh, type FakeLlm, type ScriptedToolCall } from '@boocode/testkit';
import { addBareRemote, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { commitAll, makeProject, read, sh, write } from './git/helpers.js';

// Behind-base, update from base, push and pull request, through the HTTP API on real repositories:
// the remote is a real bare repository, `gh` a recording stand-in first on the server's PATH.

let llm: FakeLlm;
let server: TestServer;
let gh: FakeGh;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' } });
  gh = fakeGh();
  server = await startTestServer({
    env: {
      BOOCODE_NATIVE_BASE_URL: llm.url,
      BOOCODE_NATIVE_MODEL: 'fake-model',
      BOOCODE_NATIVE_API_KEY: 'k',
      ...gh.env,
    },
    writeIntervalMs: 50,
  });
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

const post = <T = Record<string, unknown>>(url: string, body?: unknown) => server.api<T>('POST', url, body);
const branchOf = async (id: string) => (await server.api<SessionBranchStatus>('GET', `/api/sessions/${id}/branch`)).body;
const pendingOf = async (id: string) => (await server.api<{ pending: PendingChange | null }>('GET', `/api/sessions/${id}/changes`)).body.pending;
const edit = (p: string, from: string, to: string): ScriptedToolCall => ({ name: 'edit_file', arguments: { path: p, old_string: from, new_string: to } });

async function waitTask(id: string): Promise<Task> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const t = (await server.api<Task>('GET', `/api/tasks/${id}`)).body;
    if (['completed', 'failed', 'cancelled', 'timed_out'].includes(t.status)) return t;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${t.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What an update could disturb in a worktree: its HEAD, its index and working-tree state, and its files. */
const worktreeState = (wt: string) => ({
  head: sh(wt, ['rev-parse', 'HEAD']),
  status: sh(wt, ['status', '--porcelain=v1', '--untracked-files=all']),
  files: Object.fromEntries(['a.txt', 'b.txt'].map((f) => [f, read(wt, f)])),
});

let turnNo = 0;
async function turn(chat: Chat, calls: ScriptedToolCall[], prompt = 'please do'): Promise<Task> {
  const tag = `sync-turn-${++turnNo}`;
  llm.push({ match: { lastUserIncludes: tag }, toolCalls: calls }, { match: { lastUserIncludes: tag }, text: 'done' });
  const r = await post<{ task: Task }>(`/api/chats/${chat.id}/messages`, { content: `${prompt} ${tag}` });
  expect(r.status).toBe(201);
  return waitTask(r.body.task.id);
}

async function setup(files: Record<string, string>): Promise<{ dir: string; session: Session; chat: Chat; wt: string }> {
  const fx = makeProject(files);
  const project = (await post<Project>('/api/projects', { path: fx.project })).body;
  const session = (await post<Session>('/api/sessions', { project_id: project.id, permission_policy: 'allow_all' })).body;
  const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  await turn(chat, [edit('a.txt', 'alpha', 'ALPHA')]);
  const wt = (await server.ctx.sql<{ path: string }[]>`SELECT path FROM session_worktrees WHERE session_id = ${session.id}`)[0]!.path;
  return { dir: project.path, session, chat, wt };
}

describe('behind base and update from base', () => {
  it('counts the base commits the session lacks and merges them in, keeping uncommitted work and the diff to the session', async () => {
    const { dir, session, wt } = await setup({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    expect(await branchOf(session.id)).toMatchObject({ base_branch: 'main', behind: 0, ahead: 0, update: { available: false } });
    expect((await post(`/api/sessions/${session.id}/update-from-base`)).body).toMatchObject({ status: 'up_to_date' });

    write(dir, 'b.txt', 'BETA from main\n');
    commitAll(dir, 'main moves on');
    write(dir, 'c.txt', 'new on main\n');
    commitAll(dir, 'and again');
    const behind = await branchOf(session.id);
    expect(behind).toMatchObject({ base_branch: 'main', behind: 2, ahead: 0, update: { available: true, reason: null } });

    const r = await post<UpdateFromBaseResult>(`/api/sessions/${session.id}/update-from-base`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'updated', base_branch: 'main', merged_commits: 2 });
    // The agent's uncommitted edit is carried over; main's files arrived.
    expect(read(wt, 'a.txt')).toBe('ALPHA\n');
    expect(read(wt, 'b.txt')).toBe('BETA from main\n');
    expect(read(wt, 'c.txt')).toBe('new on main\n');
    expect((await branchOf(session.id)).behind).toBe(0);
    // The diff still holds the session's own work only.
    const diff = (await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body;
    expect(diff.files.map((f) => f.path)).toEqual(['a.txt']);
    expect((await pendingOf(session.id))!.files.map((f) => f.path)).toEqual(['a.txt']);
  });

  it('on a conflict names the files and changes nothing; refuses to overwrite uncommitted files', async () => {
    const { dir, session, chat, wt } = await setup({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    // An uncommitted edit to a file main changes too.
    await turn(chat, [edit('b.txt', 'beta', 'session beta')]);
    write(dir, 'b.txt', 'main beta\n');
    commitAll(dir, 'main edits b');
    const before = worktreeState(wt);
    const dirty = await post<{ error: string; message: string; details: { files: string[] } }>(`/api/sessions/${session.id}/update-from-base`);
    expect(dirty.status).toBe(409);
    expect(dirty.body).toMatchObject({ error: 'dirty_worktree', details: { files: ['b.txt'] } });
    expect(dirty.body.message).toContain('b.txt');
    expect(worktreeState(wt)).toEqual(before);

    // Committed on the branch, the same edits conflict: the worktree is left exactly as it was.
    expect((await post(`/api/sessions/${session.id}/commit`, { message: 'session work' })).status).toBe(200);
    const committed = worktreeState(wt);
    const c = await post<{ error: string; message: string; details: { files: string[] } }>(`/api/sessions/${session.id}/update-from-base`);
    expect(c.status).toBe(409);
    expect(c.body).toMatchObject({ error: 'merge_conflict', details: { files: ['b.txt'] } });
    expect(c.body.message).toMatch(/b\.txt.*Nothing was changed/);
    expect(worktreeState(wt)).toEqual(committed);
    expect(sh(wt, ['status', '--porcelain'])).toBe('');
  });

  it('keeps an applied change out of the diff after an update, from a base the branch keeps reachable', async () => {
    const { dir, session, wt } = await setup({ 'a.txt': 'alpha\n' });
    expect((await post(`/api/sessions/${session.id}/changes/apply`)).status).toBe(200);
    // The project commits something else; the applied edit stays uncommitted there.
    write(dir, 'c.txt', 'c\n');
    sh(dir, ['add', 'c.txt']);
    sh(dir, ['commit', '-q', '-m', 'c on main']);
    expect((await post<UpdateFromBaseResult>(`/api/sessions/${session.id}/update-from-base`)).body).toMatchObject({ status: 'updated', merged_commits: 1 });
    expect(read(wt, 'c.txt')).toBe('c\n');
    expect((await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body.files).toEqual([]);
    const base = (await server.ctx.sql<{ base_commit: string }[]>`SELECT base_commit FROM session_worktrees WHERE session_id = ${session.id}`)[0]!.base_commit;
    expect(sh(wt, ['branch', '--contains', base, '--format=%(refname:short)']).trim()).toBe((await branchOf(session.id)).branch);
  });

  it('is refused while a turn runs, and for unknown sessions', async () => {
    const { dir, session, chat } = await setup({ 'a.txt': 'alpha\n' });
    write(dir, 'z.txt', 'z\n');
    commitAll(dir, 'main moves');
    llm.push({ match: { lastUserIncludes: 'slow turn' }, text: Array.from({ length: 30 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
    const frames = await openStream(server.url, session.id, { token: server.token });
    const r = await post<{ task: Task }>(`/api/chats/${chat.id}/messages`, { content: 'a slow turn' });
    await frames.waitFor((f) => f.type === 'message_delta');
    for (const url of ['update-from-base', 'push']) {
      const res = await post(`/api/sessions/${session.id}/${url}`, url === 'push' ? {} : undefined);
      expect(res.status, url).toBe(409);
      expect(res.body, url).toMatchObject({ error: 'turn_running' });
    }
    await waitTask(r.body.task.id);
    frames.close();
    expect((await post('/api/sessions/00000000-0000-4000-8000-000000000000/update-from-base')).status).toBe(404);
  });
});

describe('push and pull request', () => {
  it('without a remote both actions are hidden, with the reason, and push is refused', async () => {
    const { session } = await setup({ 'a.txt': 'alpha\n' });
    const st = await branchOf(session.id);
    expect(st).toMatchObject({ remote: null, push: { available: false, reason: 'the project has no git remote to push to' }, pull_request: { available: false } });
    const r = await post(`/api/sessions/${session.id}/push`, {});
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'no_remote' });
  });

  it('pushes the branch to a bare remote and opens a pull request with gh, by argv', async () => {
    const { dir, session } = await setup({ 'a.txt': 'alpha\n' });
    const remote = await addBareRemote(dir);
    expect(await branchOf(session.id)).toMatchObject({ remote: 'origin', push: { available: true }, pull_request: { available: true } });

    expect((await post(`/api/sessions/${session.id}/push`, { commit_pending: true })).body).toMatchObject({
      error: 'invalid_request',
      message: 'message: required when commit_pending is true',
    });
    expect((await post(`/api/sessions/${session.id}/push`, { pull_request: { title: '  ' } })).status).toBe(400);

    const title = 'Make "alpha" loud; $(rm -rf /) `x`';
    const body = 'Asked:\n- make alpha loud';
    const r = await post<PushResult>(`/api/sessions/${session.id}/push`, { commit_pending: true, message: 'alpha loud', pull_request: { title, body } });
    expect(r.status).toBe(200);
    const st = await branchOf(session.id);
    expect(r.body).toMatchObject({ remote: 'origin', branch: st.branch, uncommitted_files: [], pull_request_url: 'https://github.com/example/project/pull/7' });
    expect(sh(remote, ['rev-parse', `refs/heads/${st.branch!}`]).trim()).toBe(r.body.commit);
    expect(sh(remote, ['show', `${r.body.commit}:a.txt`])).toBe('ALPHA\n');
    expect(gh.calls('pr', 'create').at(-1)).toEqual(['pr', 'create', '--head', st.branch, '--base', 'main', '--title', title, '--body', body]);

    // A remote that refuses: git's reason, in words.
    sh(dir, ['remote', 'set-url', 'origin', path.join(path.dirname(remote), 'missing.git')]);
    const failed = await post<{ error: string; message: string }>(`/api/sessions/${session.id}/push`, {});
    expect(failed.status).toBe(409);
    expect(failed.body.error).toBe('push_failed');
    expect(failed.body.message).toMatch(/^pushing .* to origin failed: /);
  });

  /** A session with one edit, its project on a fresh bare remote. */
  async function withRemote(): Promise<{ session: Session; remote: string }> {
    const { dir, session } = await setup({ 'a.txt': 'alpha\n' });
    const remote = await addBareRemote(dir);
    return { session, remote };
  }

  it('without gh on the PATH hides the pull request, refuses one in a sentence before pushing, and still pushes', async () => {
    const { session, remote } = await withRemote();
    gh.setInstalled(false);
    try {
      const calls = gh.calls().length;
      expect(await branchOf(session.id)).toMatchObject({
        remote: 'origin',
        push: { available: true, reason: null },
        pull_request: { available: false, reason: "the gh command is not installed on the server's PATH" },
      });
      const refused = await post<{ error: string; message: string }>(`/api/sessions/${session.id}/push`, { commit_pending: true, message: 'alpha loud', pull_request: { title: 'Loud alpha' } });
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual({ error: 'gh_unavailable', message: "the gh command is not installed on the server's PATH: the branch was not pushed" });
      expect(sh(remote, ['for-each-ref', '--format=%(refname)'])).toBe('');

      const pushed = await post<PushResult>(`/api/sessions/${session.id}/push`, { commit_pending: true, message: 'alpha loud' });
      expect(pushed.status).toBe(200);
      expect(pushed.body).toMatchObject({ remote: 'origin', pull_request_url: null, uncommitted_files: [] });
      expect(sh(remote, ['rev-parse', `refs/heads/${pushed.body.branch}`]).trim()).toBe(pushed.body.commit);
      expect(gh.calls().length).toBe(calls);
    } finally {
      gh.setInstalled(true);
    }
  });

  it('when gh pr create fails keeps the push and says so, with gh\'s own words', async () => {
    const { session, remote } = await withRemote();
    gh.failWith('pull request create failed: GraphQL: Resource not accessible by integration (createPullRequest)');
    try {
      const r = await post<{ error: string; message: string; details: { output: string; exit_code: number; pushed: { remote: string; branch: string; commit: string } } }>(
        `/api/sessions/${session.id}/push`,
        { commit_pending: true, message: 'alpha loud', pull_request: { title: 'Loud alpha', body: 'Asked: loud alpha' } },
      );
      expect(r.status).toBe(409);
      expect(r.body.error).toBe('pull_request_failed');
      const { branch, commit } = r.body.details.pushed;
      expect(r.body.message).toBe(
        `the branch ${branch} was pushed to origin, but gh could not open the pull request: pull request create failed: GraphQL: Resource not accessible by integration (createPullRequest)`,
      );
      expect(r.body.details).toMatchObject({ exit_code: 1, pushed: { remote: 'origin', branch: (await branchOf(session.id)).branch } });
      // The push stands, with the committed work.
      expect(sh(remote, ['rev-parse', `refs/heads/${branch}`]).trim()).toBe(commit);
      expect(sh(remote, ['show', `${commit}:a.txt`])).toBe('ALPHA\n');
      expect(gh.calls('pr', 'create').at(-1)).toEqual(['pr', 'create', '--head', branch, '--base', 'main', '--title', 'Loud alpha', '--body', 'Asked: loud alpha']);
    } finally {
      gh.failWith(null);
    }
  });

  it('when a pull request is already open for the branch, pushes and answers with it rather than gh\'s refusal', async () => {
    const { session, remote } = await withRemote();
    const before = await branchOf(session.id);
    // Not on the remote yet: GitHub is not asked.
    expect(before).toMatchObject({ pull_request: { available: true }, open_pull_request: null });
    const branch = before.branch!;
    expect(gh.calls('pr', 'list', '--head', branch)).toEqual([]);
    const url = gh.openPullRequest({ number: 3, title: 'Loud alpha', head: branch, base: 'main' });

    const r = await post<PushResult>(`/api/sessions/${session.id}/push`, { commit_pending: true, message: 'alpha loud', pull_request: { title: 'Loud alpha again' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ remote: 'origin', branch, pull_request_url: url, existing_pull_request: { number: 3, url, title: 'Loud alpha' } });
    expect(sh(remote, ['rev-parse', `refs/heads/${branch}`]).trim()).toBe(r.body.commit);
    expect(gh.calls('pr', 'create').at(-1)!.slice(0, 6)).toEqual(['pr', 'create', '--head', branch, '--base', 'main']);
    expect(gh.calls('pr', 'list').at(-1)).toEqual(['pr', 'list', '--head', branch, '--base', 'main', '--state', 'open', '--json', 'number,title,url', '--limit', '1']);

    // Now on the remote, the branch status links it.
    expect((await branchOf(session.id)).open_pull_request).toEqual({ number: 3, url, title: 'Loud alpha' });
  });

  it('asks gh side by side, remembers its login a while, and sees a logout or a login at once', async () => {
    const { session } = await withRemote();
    expect((await post<PushResult>(`/api/sessions/${session.id}/push`, { commit_pending: true, message: 'alpha loud' })).status).toBe(200);
    const offered = { available: true, reason: null };
    const asked = () => gh.calls('auth', 'status').length;
    const listed = () => gh.calls('pr', 'list').length;
    // A new login (gh rewrites its hosts.yml) voids the one remembered: gh is asked again.
    gh.setLoggedIn(true);
    const before = { asked: asked(), listed: listed() };
    gh.hold(true);
    const first = branchOf(session.id);
    try {
      // Both questions are out while neither is answered: asked side by side, not one after the other.
      await expect.poll(() => [asked(), listed()], { timeout: 30_000 }).toEqual([before.asked + 1, before.listed + 1]);
    } finally {
      gh.hold(false);
    }
    expect((await first).pull_request).toEqual(offered);
    // The login is remembered: the next load asks only for the pull request.
    expect((await branchOf(session.id)).pull_request).toEqual(offered);
    expect([asked(), listed()]).toEqual([before.asked + 1, before.listed + 2]);
    gh.setLoggedIn(false);
    try {
      // A failure is not remembered: each load asks again.
      expect((await branchOf(session.id)).pull_request.available).toBe(false);
      expect((await branchOf(session.id)).pull_request.available).toBe(false);
      expect(asked()).toBe(before.asked + 3);
    } finally {
      gh.setLoggedIn(true);
    }
    expect((await branchOf(session.id)).pull_request).toEqual(offered);
  });

  it('with gh logged out offers no pull request, saying so, and links none', async () => {
    const { session } = await withRemote();
    expect((await post<PushResult>(`/api/sessions/${session.id}/push`, { commit_pending: true, message: 'alpha loud' })).status).toBe(200);
    gh.setLoggedIn(false);
    try {
      expect(await branchOf(session.id)).toMatchObject({
        push: { available: true, reason: null },
        pull_request: { available: false, reason: 'gh on the server is not logged in to GitHub (gh auth status fails); run gh auth login there' },
        open_pull_request: null,
      });
    } finally {
      gh.setLoggedIn(true);
    }
  });
});
