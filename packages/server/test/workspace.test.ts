import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Chat, Collision, MessagePage, PendingChange, Project, ProjectCollisions, Session, SessionDiff, Task } from '@boocode/contracts';
import { scratchDir, startFakeLlm, type FakeLlm, type ScriptedToolCall } from '@boocode/testkit';
import { openStream, startTestServer, type StreamClient, type TestServer } from '@boocode/testkit/server';
import { ensureSessionWorktree } from '../src/git/index.js';
import type { WorktreeRow } from '../src/db/workspaces.js';
import { commitAll, editLine, lines, makeProject, read, sh, snapshot, write } from './git/helpers.js';
import { waitTask as waitServerTask, nativeEnv } from './agents-env.js';

// End to end through the HTTP API: the native agent (scripted by the fake LLM) makes real changes in
// real session worktrees of real repositories; review actions, collisions, archive and the sweep act on
// them. BOOCODE_HOME and every project path have spaces and non-ASCII letters in them.

let llm: FakeLlm;
let server: TestServer;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' } });
  server = await startTestServer({
    home: scratchDir('boo home ü '),
    // A day: the periodic sweep stays out of the way of the sweeps the tests run themselves.
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k', BOOCODE_REAP_INTERVAL_MS: '86400000' },
    writeIntervalMs: 50,
  });
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

const node = process.execPath;

interface Fixture {
  project: Project;
  dir: string;
}

async function newProject(files: Record<string, string | Buffer>): Promise<Fixture> {
  const fx = makeProject(files);
  const r = await server.api<Project>('POST', '/api/projects', { path: fx.project });
  expect(r.status).toBe(201);
  return { project: r.body, dir: r.body.path };
}

async function newSession(fx: Fixture, body: Record<string, unknown> = {}): Promise<{ session: Session; chat: Chat }> {
  const r = await server.api<Session>('POST', '/api/sessions', { project_id: fx.project.id, permission_policy: 'allow_all', ...body });
  expect(r.status).toBe(201);
  const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${r.body.id}/chats`)).body.items[0]!;
  return { session: r.body, chat };
}

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(server, id, done);

let turnNo = 0;
/** One turn in which the agent makes these tool calls, then answers. Returns the finished task. */
async function turn(chat: Chat, calls: ScriptedToolCall[], opts: { text?: string } = {}): Promise<Task> {
  const tag = `turn-${++turnNo}`;
  llm.push({ match: { lastUserIncludes: tag }, toolCalls: calls }, { match: { lastUserIncludes: tag }, text: opts.text ?? 'done' });
  const r = await server.api<{ task: Task }>('POST', `/api/chats/${chat.id}/messages`, { content: `please do ${tag}` });
  expect(r.status).toBe(201);
  return waitTask(r.body.task.id);
}

const writeFile_ = (p: string, content: string): ScriptedToolCall => ({ name: 'write_file', arguments: { path: p, content } });
const edit = (p: string, from: string, to: string): ScriptedToolCall => ({ name: 'edit_file', arguments: { path: p, old_string: from, new_string: to } });
const del = (p: string): ScriptedToolCall => ({ name: 'delete_file', arguments: { path: p } });
/** Bytes no text diff could carry: written by a program the agent runs. */
const BINARY = [0, 1, 2, 0, 255, 254, 10, 0, 13];
const writeBinary = (p: string): ScriptedToolCall => ({
  name: 'run_command',
  arguments: {
    command: node,
    args: ['-e', `const fs = require('fs'), p = ${JSON.stringify(p)}; fs.mkdirSync(require('path').dirname(p), { recursive: true }); fs.writeFileSync(p, Buffer.from(${JSON.stringify(BINARY)}))`],
  },
});

const worktreeOf = async (sessionId: string) =>
  (await server.ctx.sql<WorktreeRow[]>`SELECT * FROM session_worktrees WHERE session_id = ${sessionId}`)[0] ?? null;
const changesOf = (sessionId: string) =>
  server.ctx.sql<{ id: string; status: string }[]>`SELECT id, status FROM pending_changes WHERE session_id = ${sessionId} ORDER BY created_at`;
const pendingOf = async (sessionId: string) =>
  (await server.api<{ pending: PendingChange | null }>('GET', `/api/sessions/${sessionId}/changes`)).body.pending;
const post = <T = Record<string, unknown>>(url: string, body: unknown = {}) => server.api<T>('POST', url, body);
const stream = async (sessionId: string): Promise<StreamClient> => {
  const s = await openStream(server.url, sessionId, { token: server.token });
  await s.waitFor((f) => f.type === 'agent_snapshot');
  return s;
};
const branches = (dir: string) => sh(dir, ['branch', '--list', '--format=%(refname:short)']).split('\n').filter(Boolean);
const status = (dir: string) => sh(dir, ['status', '--porcelain']);

describe('session worktree and pending change', () => {
  it('creates the worktree on the first turn, reuses it on the second, and keeps one accumulating pending change', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n', 'gone.txt': 'bye\n', 'dir with space/naïve ü.txt': 'one\ntwo\n' });
    const { session, chat } = await newSession(fx, { name: 'Fix für Ümlaut 🚀' });
    const frames = await stream(session.id);

    const t1 = await turn(chat, [writeFile_('new dir/日本語.txt', 'konnichiwa\n'), edit('a.txt', 'alpha', 'ALPHA')]);
    expect(t1.status).toBe('completed');
    const wt = (await worktreeOf(session.id))!;
    expect(wt).toMatchObject({ isolated: true, base_commit: sh(fx.dir, ['rev-parse', 'HEAD']).trim() });
    expect(wt.path).toBe(path.join(server.home, 'worktrees', fx.project.id, session.id));
    expect(wt.branch).toMatch(/^boocode\/fix-für-ümlaut-/);
    expect(sh(fx.dir, ['worktree', 'list', '--porcelain'])).toContain(`worktree ${wt.path}\n`);
    expect(read(wt.path, 'a.txt')).toBe('ALPHA\n');
    // The project itself is untouched.
    expect(read(fx.dir, 'a.txt')).toBe('alpha\n');
    expect(status(fx.dir)).toBe('');
    const first = (await pendingOf(session.id))!;
    expect(first.files.map((f) => [f.path, f.status])).toEqual([
      ['a.txt', 'modified'],
      ['new dir/日本語.txt', 'added'],
    ]);
    expect(first).toMatchObject({ agent: 'native', task_id: t1.id, status: 'pending', base_commit: wt.base_commit });
    const f1 = await frames.waitFor((f) => f.type === 'diff_updated' && f.change_id === first.id);
    expect(f1).toMatchObject({ files: 2, additions: 2, deletions: 1, status: 'pending' });

    const t2 = await turn(chat, [del('gone.txt'), writeBinary('bin.dat'), edit('dir with space/naïve ü.txt', 'two', 'TWO')]);
    expect(t2.status).toBe('completed');
    const again = (await worktreeOf(session.id))!;
    expect(again).toEqual(wt); // same path, branch, base and creation time: reused
    const second = (await pendingOf(session.id))!;
    expect(second.id).not.toBe(first.id);
    expect(second.task_id).toBe(t2.id);
    expect(second.files.map((f) => [f.path, f.status, f.binary])).toEqual([
      ['a.txt', 'modified', false],
      ['bin.dat', 'added', true],
      ['dir with space/naïve ü.txt', 'modified', false],
      ['gone.txt', 'deleted', false],
      ['new dir/日本語.txt', 'added', false],
    ]);
    expect(second.patch).toContain('GIT binary patch');
    // Superseded: exactly one row for the session, the latest.
    expect(await changesOf(session.id)).toEqual([{ id: second.id, status: 'pending' }]);
    await frames.waitFor((f) => f.type === 'diff_updated' && f.change_id === second.id);

    const live = (await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body;
    expect(live.files).toEqual(second.files);
    frames.close();
  });

  it('leaves no pending change after a turn that changed nothing', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    expect((await turn(chat, [{ name: 'read_file', arguments: { path: 'a.txt' } }])).status).toBe('completed');
    expect(await worktreeOf(session.id)).not.toBeNull();
    expect(await pendingOf(session.id)).toBeNull();
    expect(await changesOf(session.id)).toEqual([]);
  });
});

describe('apply', () => {
  it('applies the pending change onto a clean project, binary file included, and settles it', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n', 'gone.txt': 'bye\n', 'sp ace/ü.txt': 'x\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA'), del('gone.txt'), writeBinary('img/bin.dat'), writeFile_('sp ace/ñew.txt', 'new\n')]);
    const change = (await pendingOf(session.id))!;
    const frames = await stream(session.id);

    const r = await post<{ files: string[] }>(`/api/sessions/${session.id}/changes/apply`, { change_id: change.id });
    expect(r.status).toBe(200);
    expect(r.body.files.sort()).toEqual(['a.txt', 'gone.txt', 'img/bin.dat', 'sp ace/ñew.txt']);
    expect(read(fx.dir, 'a.txt')).toBe('ALPHA\n');
    expect(existsSync(path.join(fx.dir, 'gone.txt'))).toBe(false);
    expect([...readFileSync(path.join(fx.dir, 'img/bin.dat'))]).toEqual(BINARY);
    expect(read(fx.dir, 'sp ace/ñew.txt')).toBe('new\n');
    // Working tree only: nothing staged or committed for the user.
    expect(sh(fx.dir, ['diff', '--cached', '--name-only'])).toBe('');
    expect(await changesOf(session.id)).toEqual([{ id: change.id, status: 'applied' }]);
    expect(await pendingOf(session.id)).toBeNull();
    expect(await frames.waitFor((f) => f.type === 'diff_updated' && f.status === 'applied')).toMatchObject({ change_id: change.id, files: 4 });
    frames.close();

    // Settled changes cannot be acted on again.
    const twice = await post(`/api/sessions/${session.id}/changes/apply`, { change_id: change.id });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: 'change_not_pending', message: expect.stringContaining('applied') });
    expect((await post(`/api/sessions/${session.id}/changes/apply`)).body).toMatchObject({ error: 'no_pending_change' });
    expect((await post(`/api/sessions/${session.id}/changes/apply`, { change_id: randomUUID() })).status).toBe(404);
    expect((await post(`/api/sessions/${session.id}/changes/apply`, { change_id: 'nope' })).body).toMatchObject({
      error: 'invalid_request',
      message: expect.stringMatching(/^change_id: /),
    });
  });

  it('after an apply, the next turn\'s pending change holds only the new work and applies on top', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n', 'b.txt': 'bravo\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA')]);
    expect((await post(`/api/sessions/${session.id}/changes/apply`)).status).toBe(200);
    await turn(chat, [edit('b.txt', 'bravo', 'BRAVO')]);
    const next = (await pendingOf(session.id))!;
    expect(next.files.map((f) => f.path)).toEqual(['b.txt']);
    expect((await post(`/api/sessions/${session.id}/changes/apply`)).status).toBe(200);
    expect(read(fx.dir, 'a.txt')).toBe('ALPHA\n');
    expect(read(fx.dir, 'b.txt')).toBe('BRAVO\n');
  });

  it('refuses when a touched file has uncommitted changes in the project, naming it, and leaves everything as it was', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n', 'b.txt': 'bravo\n', 'c.txt': 'charlie\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA'), writeFile_('new.txt', 'new\n')]);
    write(fx.dir, 'a.txt', 'my own edit\n');
    write(fx.dir, 'c.txt', 'untouched by the change, dirty\n');
    const before = snapshot(fx.dir);

    const r = await post(`/api/sessions/${session.id}/changes/apply`);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'dirty_project', details: { files: ['a.txt'] }, message: expect.stringContaining('a.txt') });
    expect(snapshot(fx.dir)).toEqual(before);
    expect((await pendingOf(session.id))?.status).toBe('pending');

    // A dirty file the change does not touch is no obstacle.
    write(fx.dir, 'a.txt', 'alpha\n');
    const ok = await post(`/api/sessions/${session.id}/changes/apply`);
    expect(ok.status).toBe(200);
    expect(read(fx.dir, 'a.txt')).toBe('ALPHA\n');
    expect(read(fx.dir, 'c.txt')).toBe('untouched by the change, dirty\n');
  });

  it('refuses a change that no longer applies to the project, all or nothing', async () => {
    const fx = await newProject({ 'a.txt': lines(10), 'b.txt': 'bravo\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('b.txt', 'bravo', 'BRAVO'), edit('a.txt', 'line 5\n', 'line five\n')]);
    // The project moved on (committed, so it is clean) in a way that conflicts with the second file.
    editLine(fx.dir, 'a.txt', 5, 'line 5 changed upstream');
    commitAll(fx.dir, 'upstream');
    const before = snapshot(fx.dir);

    const r = await post(`/api/sessions/${session.id}/changes/apply`);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'patch_does_not_apply', message: expect.stringContaining('a.txt') });
    // b.txt would have applied, but nothing was.
    expect(snapshot(fx.dir)).toEqual(before);
    expect(read(fx.dir, 'b.txt')).toBe('bravo\n');
    expect((await pendingOf(session.id))?.status).toBe('pending');
  });

  it("refuses with 400 when the project's directory is no longer a git repository, and applies once it is again", async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA')]);
    renameSync(path.join(fx.dir, '.git'), path.join(fx.dir, '.git-away'));
    try {
      const r = await post(`/api/sessions/${session.id}/changes/apply`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'not_a_git_repository', message: expect.stringContaining(fx.dir) });
      expect(read(fx.dir, 'a.txt')).toBe('alpha\n');
    } finally {
      renameSync(path.join(fx.dir, '.git-away'), path.join(fx.dir, '.git'));
    }
    expect((await pendingOf(session.id))?.status).toBe('pending');
    expect((await post(`/api/sessions/${session.id}/changes/apply`)).status).toBe(200);
    expect(read(fx.dir, 'a.txt')).toBe('ALPHA\n');
  });
});

describe('reject, commit, merge', () => {
  it('reject resets the worktree to its base and settles the change', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA'), writeFile_('new.txt', 'new\n')]);
    const change = (await pendingOf(session.id))!;
    const wt = (await worktreeOf(session.id))!;
    const frames = await stream(session.id);

    const r = await post(`/api/sessions/${session.id}/changes/reject`, { change_id: change.id });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ base_commit: wt.base_commit });
    expect(read(wt.path, 'a.txt')).toBe('alpha\n');
    expect(existsSync(path.join(wt.path, 'new.txt'))).toBe(false);
    expect(await changesOf(session.id)).toEqual([{ id: change.id, status: 'rejected' }]);
    expect((await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body.files).toEqual([]);
    await frames.waitFor((f) => f.type === 'diff_updated' && f.change_id === change.id && f.status === 'rejected');
    frames.close();
    expect((await post(`/api/sessions/${session.id}/changes/reject`, { change_id: change.id })).body).toMatchObject({ error: 'change_not_pending' });

    // The next turn starts from the base again.
    await turn(chat, [writeFile_('later.txt', 'x\n')]);
    expect((await pendingOf(session.id))!.files.map((f) => f.path)).toEqual(['later.txt']);
  });

  it('commits inside the worktree and re-takes the pending change at the new head', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA'), writeFile_('new.txt', 'new\n')]);
    const before = (await pendingOf(session.id))!;
    const wt = (await worktreeOf(session.id))!;
    const frames = await stream(session.id);

    expect((await post(`/api/sessions/${session.id}/commit`, { message: '  ' })).body).toMatchObject({
      error: 'invalid_request',
      message: 'message: must not be empty',
    });
    const r = await post<{ commit: string; files: string[] }>(`/api/sessions/${session.id}/commit`, { message: 'Agent work: ALPHA' });
    expect(r.status).toBe(200);
    expect(r.body.files.sort()).toEqual(['a.txt', 'new.txt']);
    expect(sh(wt.path, ['log', '-1', '--format=%H %s', wt.branch!]).trim()).toBe(`${r.body.commit} Agent work: ALPHA`);
    expect(status(wt.path)).toBe('');
    expect(status(fx.dir)).toBe('');

    const after = (await pendingOf(session.id))!;
    expect(after.id).not.toBe(before.id);
    expect(after).toMatchObject({ head: r.body.commit, base_commit: before.base_commit, task_id: before.task_id, patch: before.patch });
    expect(await changesOf(session.id)).toEqual([{ id: after.id, status: 'pending' }]);
    await frames.waitFor((f) => f.type === 'diff_updated' && f.change_id === after.id);
    frames.close();

    const nothing = await post(`/api/sessions/${session.id}/commit`, { message: 'again' });
    expect(nothing.status).toBe(409);
    expect(nothing.body).toMatchObject({ error: 'nothing_to_commit' });
  });

  it('merges the session branch into the checked-out branch of the project', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA'), writeFile_('new.txt', 'new\n')]);
    const change = (await pendingOf(session.id))!;

    const bad = await post(`/api/sessions/${session.id}/merge`, { target_branch: 'main', commit_pending: true });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ message: 'message: required when commit_pending is true' });
    expect((await post(`/api/sessions/${session.id}/merge`, { target_branch: '-x' })).body).toMatchObject({
      error: 'invalid_request',
      message: expect.stringMatching(/^target_branch: /),
    });
    const unknown = await post(`/api/sessions/${session.id}/merge`, { target_branch: 'no-such-branch' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'unknown_branch' });

    const r = await post(`/api/sessions/${session.id}/merge`, { target_branch: 'main', commit_pending: true, message: 'ALPHA from the agent' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'merged', target_branch: 'main', fast_forward: true, uncommitted_files: [] });
    expect(sh(fx.dir, ['log', '-1', '--format=%s', 'main']).trim()).toBe('ALPHA from the agent');
    // The project had main checked out: its files moved with it.
    expect(read(fx.dir, 'a.txt')).toBe('ALPHA\n');
    expect(status(fx.dir)).toBe('');
    const rows = await changesOf(session.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('merged');
    expect(rows[0]!.id).not.toBe(change.id); // re-taken after the commit, then settled
    expect(await pendingOf(session.id)).toBeNull();
  });

  it('after a merge, later turns are diffed from the merged branch head', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n', 'b.txt': 'bravo\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA')]);
    expect((await post(`/api/sessions/${session.id}/merge`, { target_branch: 'main', commit_pending: true, message: 'first' })).status).toBe(200);
    await turn(chat, [edit('b.txt', 'bravo', 'BRAVO')]);
    expect((await pendingOf(session.id))!.files.map((f) => f.path)).toEqual(['b.txt']);
  });

  it('refuses a conflicting merge with the conflicting files and changes nothing', async () => {
    const fx = await newProject({ 'a.txt': lines(10), 'b.txt': 'bravo\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'line 3\n', 'line three\n'), edit('b.txt', 'bravo', 'BRAVO')]);
    const wt = (await worktreeOf(session.id))!;
    expect((await post(`/api/sessions/${session.id}/commit`, { message: 'agent' })).status).toBe(200);
    editLine(fx.dir, 'a.txt', 3, 'line 3 upstream');
    commitAll(fx.dir, 'upstream');
    const before = snapshot(fx.dir);
    const branchHead = sh(fx.dir, ['rev-parse', wt.branch!]).trim();

    const r = await post(`/api/sessions/${session.id}/merge`, { target_branch: 'main' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      error: 'merge_conflict',
      details: { files: ['a.txt'], target_branch: 'main' },
      message: expect.stringContaining('a.txt'),
    });
    expect(snapshot(fx.dir)).toEqual(before);
    expect(existsSync(path.join(fx.dir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(sh(fx.dir, ['rev-parse', wt.branch!]).trim()).toBe(branchHead);
    expect((await pendingOf(session.id))?.status).toBe('pending');

    // A branch that is not checked out takes a real merge commit (compare-and-swap update of the ref).
    sh(fx.dir, ['branch', 'release', 'HEAD~1']);
    const rel = await post<{ status: string; fast_forward: boolean; commit: string }>(`/api/sessions/${session.id}/merge`, { target_branch: 'release' });
    expect(rel.status).toBe(200);
    expect(rel.body).toMatchObject({ status: 'merged', fast_forward: true });
    expect(sh(fx.dir, ['rev-parse', 'release']).trim()).toBe(branchHead);
  });

  it('refuses review actions while a turn of the session runs, and for sessions they do not apply to', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    await turn(chat, [edit('a.txt', 'alpha', 'ALPHA')]);
    llm.push({ match: { lastUserIncludes: 'slow turn' }, text: Array.from({ length: 30 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
    const frames = await stream(session.id);
    const r = await post<{ task: Task }>(`/api/chats/${chat.id}/messages`, { content: 'a slow turn' });
    await frames.waitFor((f) => f.type === 'message_delta');
    for (const [url, body] of [
      ['changes/apply', {}],
      ['changes/reject', {}],
      ['commit', { message: 'm' }],
      ['merge', { target_branch: 'main' }],
    ] as const) {
      const res = await post(`/api/sessions/${session.id}/${url}`, body);
      expect(res.status, url).toBe(409);
      expect(res.body, url).toMatchObject({ error: 'turn_running', details: { task_id: r.body.task.id } });
    }
    await waitTask(r.body.task.id);
    frames.close();
    expect(read(fx.dir, 'a.txt')).toBe('alpha\n');
    const applied = await post(`/api/sessions/${session.id}/changes/apply`);
    expect(applied.body).toEqual({ files: ['a.txt'] });

    expect((await post(`/api/sessions/${randomUUID()}/changes/apply`)).status).toBe(404);
    const fresh = await newSession(fx);
    expect((await post(`/api/sessions/${fresh.session.id}/changes/reject`)).body).toMatchObject({ error: 'no_worktree' });
    expect((await post(`/api/sessions/${fresh.session.id}/changes/apply`)).body).toMatchObject({ error: 'no_pending_change' });

    // A session working in the project itself has nothing to apply, reset or merge.
    const inPlace = await newSession(fx, { isolated: false });
    await turn(inPlace.chat, [writeFile_('in-place.txt', 'x\n')]);
    expect(existsSync(path.join(fx.dir, 'in-place.txt'))).toBe(true);
    for (const url of ['changes/apply', 'changes/reject', 'merge']) {
      const res = await post(`/api/sessions/${inPlace.session.id}/${url}`, url === 'merge' ? { target_branch: 'main' } : {});
      expect(res.status, url).toBe(409);
      expect(res.body, url).toMatchObject({ error: 'not_isolated' });
    }
    expect(existsSync(path.join(fx.dir, 'in-place.txt'))).toBe(true);
  });
});

describe('archive', () => {
  it('removes the worktree and the branch, or keeps the branch when asked; works without a worktree', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const a = await newSession(fx);
    const b = await newSession(fx);
    await turn(a.chat, [edit('a.txt', 'alpha', 'ALPHA')]);
    await turn(b.chat, [writeFile_('b.txt', 'b\n')]);
    const wa = (await worktreeOf(a.session.id))!;
    const wb = (await worktreeOf(b.session.id))!;
    const frames = await stream(a.session.id);

    const r = await post<Session>(`/api/sessions/${a.session.id}/archive`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('archived');
    expect(existsSync(wa.path)).toBe(false);
    expect(branches(fx.dir)).not.toContain(wa.branch);
    expect(sh(fx.dir, ['worktree', 'list', '--porcelain'])).not.toContain(wa.path);
    expect(await worktreeOf(a.session.id)).toBeNull();
    await frames.waitFor((f) => f.type === 'session_updated' && (f.session as Session).status === 'archived');
    frames.close();
    // Archived sessions take no review actions.
    expect((await post(`/api/sessions/${a.session.id}/changes/apply`)).body).toMatchObject({ error: 'session_archived' });

    expect((await post(`/api/sessions/${b.session.id}/archive`, { keep_branch: true })).status).toBe(200);
    expect(existsSync(wb.path)).toBe(false);
    expect(branches(fx.dir)).toContain(wb.branch);
    expect((await post(`/api/sessions/${b.session.id}/archive`, { keep_branch: 'yes' })).body).toMatchObject({
      message: expect.stringMatching(/^keep_branch: /),
    });

    const never = await newSession(fx);
    expect((await post<Session>(`/api/sessions/${never.session.id}/archive`)).body.status).toBe('archived');
    const inPlace = await newSession(fx, { isolated: false });
    await turn(inPlace.chat, [writeFile_('kept.txt', 'x\n')]);
    expect((await post(`/api/sessions/${inPlace.session.id}/archive`)).status).toBe(200);
    expect(read(fx.dir, 'kept.txt')).toBe('x\n');
    expect(existsSync(fx.dir)).toBe(true);
    expect((await post(`/api/sessions/${randomUUID()}/archive`)).status).toBe(404);
  });

  it('cancels a running turn first, then removes the worktree', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    const { session, chat } = await newSession(fx);
    llm.push({ match: { lastUserIncludes: 'long archive' }, text: Array.from({ length: 100 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
    const frames = await stream(session.id);
    const r = await post<{ task: Task }>(`/api/chats/${chat.id}/messages`, { content: 'a long archive turn' });
    await frames.waitFor((f) => f.type === 'message_delta');
    const wt = (await worktreeOf(session.id))!;
    expect((await post(`/api/sessions/${session.id}/archive`)).status).toBe(200);
    expect((await waitTask(r.body.task.id)).status).toBe('cancelled');
    expect(existsSync(wt.path)).toBe(false);
    frames.close();
  });
});

describe('project config through real turns', () => {
  const config = (c: unknown): Record<string, string> => ({ '.boocode/config.json': JSON.stringify(c) });

  it('copies files, runs setup in the new worktree with its environment, and teardown on archive', async () => {
    const fx = await newProject({
      'a.txt': 'alpha\n',
      '.gitignore': '.env\nsetup.out\nteardown.out\n',
      ...config({
        copy: ['.env'],
        setup: [[node, '-e', "require('fs').writeFileSync('setup.out', [process.env.BOOCODE_BRANCH, process.env.BOOCODE_PROJECT_PATH, process.cwd()].join('\\n')); console.log('setup ran')"]],
        teardown: [[node, '-e', "require('fs').writeFileSync(require('path').join(process.env.BOOCODE_PROJECT_PATH, 'teardown.out'), process.env.BOOCODE_WORKTREE_PATH)"]],
      }),
    });
    write(fx.dir, '.env', 'SECRET=1\n');
    const { session, chat } = await newSession(fx);
    const frames = await stream(session.id);
    expect((await turn(chat, [writeFile_('b.txt', 'b\n')])).status).toBe('completed');
    const wt = (await worktreeOf(session.id))!;
    expect(read(wt.path, '.env')).toBe('SECRET=1\n');
    expect(read(wt.path, 'setup.out').split('\n')).toEqual([wt.branch, fx.dir, wt.path]);
    const out = frames.frames.filter((f) => f.type === 'setup_output').map((f) => f.text).join('');
    expect(out).toContain('setup ran');
    // Copied and set-up files are not part of the session's change.
    expect((await pendingOf(session.id))!.files.map((f) => f.path)).toEqual(['b.txt']);
    frames.close();

    // Set-up runs once: the second turn reuses the worktree.
    write(wt.path, 'setup.out', 'marker');
    await turn(chat, [writeFile_('c.txt', 'c\n')]);
    expect(read(wt.path, 'setup.out')).toBe('marker');

    expect((await post(`/api/sessions/${session.id}/archive`)).status).toBe(200);
    expect(read(fx.dir, 'teardown.out')).toBe(wt.path);
    expect(existsSync(wt.path)).toBe(false);
  });

  it('fails the turn with a message naming the key of a bad config, creating nothing', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n', ...config({ setup: ['npm install'] }) });
    const { session, chat } = await newSession(fx);
    const t = await turn(chat, []);
    expect(t.status).toBe('failed');
    expect(t.error).toContain('.boocode/config.json: setup[0]: expected array of strings');
    const msg = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(msg.content).toContain('setup[0]');
    expect(await worktreeOf(session.id)).toBeNull();
    expect(existsSync(path.join(server.home, 'worktrees', fx.project.id, session.id))).toBe(false);
  });

  it('fails the turn with the output of a failing setup; fixed, the next turn finishes the same worktree', async () => {
    const fx = await newProject({
      'a.txt': 'alpha\n',
      ...config({ setup: [[node, '-e', "console.log('installing deps'); console.error('boom: no network'); process.exit(3)"]] }),
    });
    const { session, chat } = await newSession(fx);
    const frames = await stream(session.id);
    const t = await turn(chat, [writeFile_('b.txt', 'b\n')]);
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/setup command .* failed \(exit 3\)/);
    const msg = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(msg.metadata).toMatchObject({ setup_failed: true, details: { exit_code: 3, output: expect.stringContaining('boom: no network') } });
    const streamed = frames.frames.filter((f) => f.type === 'setup_output').map((f) => f.text).join('');
    expect(streamed).toContain('installing deps');
    expect(streamed).toContain('boom: no network');
    frames.close();
    expect(await worktreeOf(session.id)).toBeNull();
    const planned = path.join(server.home, 'worktrees', fx.project.id, session.id);
    expect(existsSync(planned)).toBe(true);

    // The sweep keeps it (the session is open), so fixing the config is enough.
    const swept = (await server.reaper.sweep())!;
    expect(swept.removed.map((e) => e.session_id)).not.toContain(session.id);
    write(fx.dir, '.boocode/config.json', JSON.stringify({ setup: [[node, '-e', "console.log('fine')"]] }));
    const t2 = await turn(chat, [writeFile_('b.txt', 'b\n')]);
    expect(t2.status).toBe('completed');
    expect((await worktreeOf(session.id))!.path).toBe(planned);
    expect(read(planned, 'b.txt')).toBe('b\n');
  });
});

describe('collisions', () => {
  it('reports same, adjacent and distant edits of two sessions, and tells both sessions', async () => {
    const fx = await newProject({ 'same.txt': lines(40), 'adj.txt': lines(40), 'far.txt': lines(40), 'solo.txt': lines(5) });
    const a = await newSession(fx);
    const b = await newSession(fx);
    const fa = await stream(a.session.id);
    const fb = await stream(b.session.id);

    await turn(a.chat, [edit('same.txt', 'line 10\n', 'A10\n'), edit('adj.txt', 'line 10\n', 'A10\n'), edit('far.txt', 'line 5\n', 'A5\n'), edit('solo.txt', 'line 1\n', 'A1\n')]);
    expect(fa.frames.filter((f) => f.type === 'collision_warning')).toEqual([]);
    await turn(b.chat, [edit('same.txt', 'line 10\n', 'B10\n'), edit('adj.txt', 'line 14\n', 'B14\n'), edit('far.txt', 'line 30\n', 'B30\n')]);

    const [first, second] = [a.session.id, b.session.id].sort() as [string, string];
    const touched: Record<string, Record<string, [number, number][]>> = {
      [a.session.id]: { 'adj.txt': [[10, 10]], 'far.txt': [[5, 5]], 'same.txt': [[10, 10]] },
      [b.session.id]: { 'adj.txt': [[14, 14]], 'far.txt': [[30, 30]], 'same.txt': [[10, 10]] },
    };
    const all = (await server.api<ProjectCollisions>('GET', `/api/projects/${fx.project.id}/collisions`)).body.collisions;
    expect(all).toEqual(
      (
        [
          ['adj.txt', 'adjacent_line'],
          ['far.txt', 'different_area'],
          ['same.txt', 'same_line'],
        ] as const
      ).map(
        ([file, severity]): Collision => ({
          file,
          severity,
          session_id: first,
          other_session_id: second,
          ranges: touched[first]![file]!,
          other_ranges: touched[second]![file]!,
        }),
      ),
    );

    // Both sessions are warned, each from its own side.
    const wb = await fb.waitFor((f) => f.type === 'collision_warning');
    const wa = await fa.waitFor((f) => f.type === 'collision_warning');
    const bySeverity = (f: Record<string, unknown>) =>
      Object.fromEntries((f.collisions as { file: string; severity: string; other_session_id: string; ranges: unknown }[]).map((c) => [c.file, [c.severity, c.other_session_id, c.ranges]]));
    expect(bySeverity(wb)).toEqual({
      'adj.txt': ['adjacent_line', a.session.id, [[14, 14]]],
      'far.txt': ['different_area', a.session.id, [[30, 30]]],
      'same.txt': ['same_line', a.session.id, [[10, 10]]],
    });
    expect(bySeverity(wa)).toEqual({
      'adj.txt': ['adjacent_line', b.session.id, [[10, 10]]],
      'far.txt': ['different_area', b.session.id, [[5, 5]]],
      'same.txt': ['same_line', b.session.id, [[10, 10]]],
    });

    // Once b's change leaves review, a's warnings are cleared.
    const seen = fa.frames.length;
    expect((await post(`/api/sessions/${b.session.id}/changes/reject`)).status).toBe(200);
    const cleared = await fa.waitFor((f) => f.type === 'collision_warning' && fa.frames.indexOf(f) >= seen);
    expect(cleared.collisions).toEqual([]);
    expect((await server.api<ProjectCollisions>('GET', `/api/projects/${fx.project.id}/collisions`)).body.collisions).toEqual([]);
    fa.close();
    fb.close();
  });

  it('drops archived sessions from the collisions', async () => {
    const fx = await newProject({ 'f.txt': lines(10) });
    const a = await newSession(fx);
    const b = await newSession(fx);
    await turn(a.chat, [edit('f.txt', 'line 2\n', 'A\n')]);
    await turn(b.chat, [edit('f.txt', 'line 3\n', 'B\n')]);
    const url = `/api/projects/${fx.project.id}/collisions`;
    expect((await server.api<ProjectCollisions>('GET', url)).body.collisions.map((c) => c.severity)).toEqual(['adjacent_line']);
    const fa = await stream(a.session.id);
    expect((await post(`/api/sessions/${b.session.id}/archive`)).status).toBe(200);
    expect((await server.api<ProjectCollisions>('GET', url)).body.collisions).toEqual([]);
    expect((await fa.waitFor((f) => f.type === 'collision_warning')).collisions).toEqual([]);
    fa.close();
    expect((await server.api('GET', `/api/projects/${randomUUID()}/collisions`)).status).toBe(404);
  });
});

describe('worktree sweep', () => {
  it('removes crash-orphaned worktrees, keeps live and busy ones', async () => {
    const fx = await newProject({ 'a.txt': 'alpha\n' });
    // Archived, but the server died before removing its worktree.
    const crashed = await newSession(fx);
    await turn(crashed.chat, [writeFile_('x.txt', 'x\n')]);
    const crashedWt = (await worktreeOf(crashed.session.id))!;
    await server.ctx.sql`UPDATE sessions SET status = 'archived' WHERE id = ${crashed.session.id}`;
    // Created for a session the database never recorded.
    const ghost = await ensureSessionWorktree({
      home: server.home,
      projectId: fx.project.id,
      projectPath: fx.dir,
      sessionId: randomUUID(),
      sessionSlug: 'ghost',
    });
    // Open and idle.
    const live = await newSession(fx);
    await turn(live.chat, [writeFile_('y.txt', 'y\n')]);
    const liveWt = (await worktreeOf(live.session.id))!;
    // Not live any more (archived under it), but its turn is still running.
    const busy = await newSession(fx);
    await turn(busy.chat, [writeFile_('z.txt', 'z\n')]);
    const busyWt = (await worktreeOf(busy.session.id))!;
    llm.push({ match: { lastUserIncludes: 'busy turn' }, text: Array.from({ length: 20 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
    const frames = await stream(busy.session.id);
    const r = await post<{ task: Task }>(`/api/chats/${busy.chat.id}/messages`, { content: 'a busy turn' });
    await frames.waitFor((f) => f.type === 'message_delta');
    await server.ctx.sql`UPDATE sessions SET status = 'archived' WHERE id = ${busy.session.id}`;

    const result = (await server.reaper.sweep())!;
    expect(result).not.toBeNull();
    expect(result.removed.map((e) => e.session_id).sort()).toEqual([crashed.session.id, ghost.path.split('/').at(-1)].sort());
    expect(result.kept).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ session_id: busy.session.id, reason: 'busy' }),
        expect.objectContaining({ session_id: live.session.id, reason: 'live' }),
      ]),
    );
    expect(existsSync(crashedWt.path)).toBe(false);
    expect(existsSync(ghost.path)).toBe(false);
    expect(await worktreeOf(crashed.session.id)).toBeNull();
    expect(existsSync(liveWt.path)).toBe(true);
    expect(existsSync(busyWt.path)).toBe(true);
    expect(sh(fx.dir, ['worktree', 'list', '--porcelain'])).not.toContain(crashedWt.path);
    // Branches stay: they may hold the only copy of committed work.
    expect(branches(fx.dir)).toContain(crashedWt.branch);

    // Its turn over, the busy one goes on the next sweep.
    expect((await waitTask(r.body.task.id)).status).toBe('completed');
    frames.close();
    const next = (await server.reaper.sweep())!;
    expect(next.removed.map((e) => e.session_id)).toEqual([busy.session.id]);
    expect(existsSync(busyWt.path)).toBe(false);
    expect(existsSync(liveWt.path)).toBe(true);
  });

  it('is wired into the server: a sweep runs at start', async () => {
    const home = scratchDir('boo home sweep ');
    const fx = makeProject({ 'a.txt': 'alpha\n' });
    const orphan = await ensureSessionWorktree({ home, projectId: randomUUID(), projectPath: fx.project, sessionId: randomUUID(), sessionSlug: 'orphan' });
    expect(existsSync(orphan.path)).toBe(true);
    const other = await startTestServer({ home, env: nativeEnv(llm), worker: false });
    try {
      const deadline = Date.now() + 10_000;
      while (existsSync(orphan.path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(orphan.path)).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('API surface', () => {
  it('documents the review routes in the OpenAPI document', async () => {
    const doc = (await server.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json')).body;
    for (const p of ['/api/sessions/{id}/changes/apply', '/api/sessions/{id}/changes/reject', '/api/sessions/{id}/commit', '/api/sessions/{id}/merge', '/api/sessions/{id}/archive']) {
      expect(doc.paths[p]?.post, p).toBeDefined();
    }
  });
});
