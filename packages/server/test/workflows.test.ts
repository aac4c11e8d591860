import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  SessionFrame,
  type Chat,
  type Project,
  type Session,
  type Task,
  type WorkflowCatalog,
  type WorkflowRun,
  type WorkflowRunList,
} from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { git, makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { script, startRun, waitRun, type Api } from './workflows-helpers.js';
import { nativeEnv } from './agents-env.js';

/**
 * Workflow runs through the HTTP API: scripts in the sandbox, every agent() call a task of the
 * native agent on the fake LLM, the journal in Postgres.
 */

let llm: FakeLlm;
let server: TestServer;
let project: Project;
let api: Api;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'fallback' } });
  server = await startTestServer({
    env: nativeEnv(llm),
    writeIntervalMs: 50,
    // Small limits, so an endless loop and a memory bomb end quickly.
    workflows: { limits: { cpuTimeMs: 1500, memoryMb: 32 } },
  });
  api = (m, u, b) => server.api(m, u, b);
  project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

async function newSession(body: Record<string, unknown> = {}): Promise<Session> {
  const r = await api<Session>('POST', '/api/sessions', { project_id: project.id, ...body });
  if (r.status !== 201) throw new Error(`session not created: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** LLM requests whose last user message contains `text`. */
const asked = (text: string) => llm.requests.filter((r) => r.lastUserText.includes(text)).length;

describe('a workflow run through the API', () => {
  it('fans out to 20 agents: each a task of the session in its own chat, all results back in order, frames for run, phase and agents', async () => {
    const session = await newSession();
    for (let i = 0; i < 20; i++) {
      llm.push({ match: { lastUserIncludes: `fan [item ${i}]` }, text: ['done ', `${i}`], chunkDelayMs: 20, usage: { prompt_tokens: 5, completion_tokens: 3 } });
    }
    const stream = await openStream(server.url, session.id, { token: server.token });
    const run = await startRun(api, session.id, {
      script: script(
        `phase('Fan out');
log('starting', args.n);
return await parallel(Array.from({ length: args.n }, (_, i) => () => agent('fan [item ' + i + ']', { label: 'worker ' + i })));`,
        'fan-out',
      ),
      args: { n: 20 },
    });
    expect(run).toMatchObject({ status: 'pending', name: 'fan-out', source: 'script', args: { n: 20 }, session_id: session.id });

    const done = await waitRun(api, run.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.result).toEqual(Array.from({ length: 20 }, (_, i) => `done ${i}`));
    expect(done.agents).toHaveLength(20);
    expect(done.agents.map((a) => a.position)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const a of done.agents) {
      expect(a).toMatchObject({ status: 'completed', cached: false, attempts: 1, phase: 'Fan out', label: `worker ${a.position}`, result: `done ${a.position}` });
      expect(a.usage.output).toBe(3);
    }
    expect(done.usage.output).toBe(60);
    expect(done.agent_counts).toEqual({ total: 20, running: 0, cached: 0 });
    expect(done.phase).toBe('Fan out');

    // Each agent was a task of the session, in a chat named after the run and its label.
    const tasks = await Promise.all(done.agents.map(async (a) => (await api<Task>('GET', `/api/tasks/${a.task_id}`)).body));
    expect(tasks.every((t) => t.status === 'completed' && t.session_id === session.id)).toBe(true);
    // The run's agents carry what their task says: its chat, agent and model, and its state.
    for (const [i, a] of done.agents.entries()) {
      expect(a).toMatchObject({ chat_id: tasks[i]!.chat_id, agent: tasks[i]!.agent, model: tasks[i]!.model, task_status: 'completed' });
      expect(a.chat_id).not.toBeNull();
    }
    const chats = (await api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items;
    expect(chats.filter((c) => c.name.startsWith('fan-out · worker '))).toHaveLength(20);
    // They ran side by side (several started before the first one finished).
    const firstFinish = Math.min(...tasks.map((t) => Date.parse(t.finished_at!)));
    expect(tasks.filter((t) => Date.parse(t.started_at!) < firstFinish).length).toBeGreaterThan(1);

    const finished = await stream.waitFor((f) => f.type === 'workflow_run' && (f.run as WorkflowRun).status === 'completed');
    expect((finished.run as WorkflowRun).result).toHaveLength(20);
    for (const f of stream.frames.filter((x) => String(x.type).startsWith('workflow_'))) expect(SessionFrame.safeParse(f).success).toBe(true);
    const agentFrames = stream.frames.filter((f) => f.type === 'workflow_agent');
    expect(agentFrames.filter((f) => f.status === 'running')).toHaveLength(20);
    // A queued agent's frame names who runs it (the session's agent and model).
    expect(agentFrames.find((f) => f.status === 'running')).toMatchObject({ agent: session.agent, model: session.model });
    expect(agentFrames.filter((f) => f.status === 'completed' && f.cached === false && f.task_id)).toHaveLength(20);
    expect(stream.frames.find((f) => f.type === 'workflow_phase')).toMatchObject({ run_id: run.id, title: 'Fan out' });
    expect(stream.frames.find((f) => f.type === 'workflow_log')).toMatchObject({ run_id: run.id, message: 'starting 20' });
    expect(stream.frames.filter((f) => f.type === 'workflow_run').map((f) => (f.run as WorkflowRun).status)).toEqual(['pending', 'running', 'completed']);
    stream.close();

    const list = (await api<WorkflowRunList>('GET', `/api/sessions/${session.id}/workflow-runs`)).body;
    expect(list.items.map((r) => r.id)).toEqual([run.id]);
  });

  it('runs a 3-stage pipeline: each stage gets (prev, item, index)', async () => {
    const session = await newSession();
    for (const x of ['a', 'b', 'c']) {
      llm.push(
        { match: { lastUserIncludes: `stage1 [${x}]` }, text: `${x}1` },
        { match: { lastUserIncludes: `stage2 [${x}]` }, text: `${x}2` },
        { match: { lastUserIncludes: `stage3 [${x}]` }, text: `${x}3` },
      );
    }
    const run = await startRun(api, session.id, {
      script: script(`return await pipeline(['a', 'b', 'c'],
  (item) => agent('stage1 [' + item + ']'),
  (prev, item) => agent('stage2 [' + item + '] after ' + prev),
  (prev, item, i) => agent('stage3 [' + item + '] #' + i + ' after ' + prev));`),
    });
    const done = await waitRun(api, run.id);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual(['a3', 'b3', 'c3']);
    expect(done.agents).toHaveLength(9);
    expect(done.agents.map((a) => a.prompt).filter((p) => p.startsWith('stage3'))).toEqual(
      expect.arrayContaining(['stage3 [a] #0 after a2', 'stage3 [b] #1 after b2', 'stage3 [c] #2 after c2']),
    );
  });

  it('validates schema answers: an invalid one is retried in the same chat, five invalid ones make agent() throw', async () => {
    const session = await newSession();
    llm.push(
      { match: { lastUserIncludes: 'count [schema ok]' }, text: 'about seven, I think' },
      { match: { lastUserIncludes: 'did not match the required JSON Schema' }, text: '```json\n{"n": 7}\n```' },
    );
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    const run = await startRun(api, session.id, {
      script: script(`return await agent('count [schema ok]', { label: 'counter', schema: ${JSON.stringify(schema)} });`),
    });
    const done = await waitRun(api, run.id);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ n: 7 });
    expect(done.agents[0]).toMatchObject({ attempts: 2, status: 'completed', result: { n: 7 } });
    // The retry continued the first attempt's conversation: it saw the invalid answer.
    const retry = llm.requests.find((r) => r.lastUserText.includes('did not match the required JSON Schema'))!;
    expect(JSON.stringify(retry.messages)).toContain('about seven, I think');
    expect(JSON.stringify(retry.messages)).toContain('count [schema ok]');

    for (let i = 0; i < 5; i++) llm.push({ match: { lastUserIncludes: 'never json' }, text: `nope ${i}` });
    llm.push(...Array.from({ length: 4 }, () => ({ match: { lastUserIncludes: 'did not match the required JSON Schema' }, text: 'still nope' })));
    const failing = await startRun(api, session.id, {
      script: script(`try { await agent('never json', { schema: ${JSON.stringify(schema)} }); return 'no error'; } catch (e) { return e.message; }`),
    });
    const failed = await waitRun(api, failing.id);
    expect(failed.status).toBe('completed');
    expect(failed.result).toMatch(/did not match options\.schema \(attempt 5 of 5\)/);
    expect(failed.agents[0]).toMatchObject({ status: 'failed', attempts: 5 });
  });

  it('runs a nested workflow() from the project, in the same run and journal', async () => {
    const session = await newSession();
    const dir = path.join(project.path, '.boocode', 'workflows');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'child.js'), `export const meta = { name: 'child', description: 'a nested workflow' };\nreturn (await agent('child agent [x=' + args.x + ']')) + '!';\n`);
    llm.push({ match: { lastUserIncludes: 'parent agent' }, text: 'P' }, { match: { lastUserIncludes: 'child agent [x=2]' }, text: 'C' });
    const run = await startRun(api, session.id, {
      script: script(`const p = await agent('parent agent'); const c = await workflow('child', { x: 2 }); return p + c;`, 'parent'),
    });
    const done = await waitRun(api, run.id);
    expect(done.error).toBeNull();
    expect(done.result).toBe('PC!');
    expect(done.agents.map((a) => a.prompt)).toEqual(['parent agent', 'child agent [x=2]']);
  });

  it('stops at the budget: agent() throws once the output tokens are spent', async () => {
    const session = await newSession();
    for (let i = 0; i < 4; i++) llm.push({ match: { lastUserIncludes: 'spend [' }, text: 'x', usage: { prompt_tokens: 1, completion_tokens: 10 } });
    const run = await startRun(api, session.id, {
      script: script(`let n = 0;
try { for (;;) { await agent('spend [' + n + ']'); n++; } }
catch (e) { return { n, spent: budget.spent(), remaining: budget.remaining(), total: budget.total, error: e.message }; }`),
      budget: 25,
    });
    expect(run.budget).toBe(25);
    const done = await waitRun(api, run.id);
    expect(done.result).toMatchObject({ n: 3, spent: 30, remaining: 0, total: 25, error: expect.stringMatching(/budget of 25 output tokens is spent/) });
    expect(asked('spend [')).toBe(3);
  });

  it('cancels a run mid-way: its running agents are cancelled, and the session goes on', async () => {
    const session = await newSession();
    for (let i = 0; i < 3; i++) {
      llm.push({ match: { lastUserIncludes: `slow [${i}]` }, text: Array.from({ length: 100 }, (_, k) => `w${k} `), chunkDelayMs: 100 });
    }
    const stream = await openStream(server.url, session.id, { token: server.token });
    const run = await startRun(api, session.id, {
      script: script(`const r = await parallel([0, 1, 2].map((i) => () => agent('slow [' + i + ']')));\nreturn await agent('never reached ' + r.length);`),
    });
    await stream.waitFor((f) => f.type === 'message_delta' && String(f.text).startsWith('w2'), 30_000);
    const cancelled = await api<WorkflowRun>('POST', `/api/workflow-runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancel_requested).toBe(true);
    const done = await waitRun(api, run.id);
    expect(done).toMatchObject({ status: 'cancelled', error: 'the run was cancelled' });
    await stream.waitFor((f) => f.type === 'workflow_run' && (f.run as WorkflowRun).status === 'cancelled');
    stream.close();
    for (const a of done.agents) {
      const task = await waitTask(a.task_id!);
      expect(task.status).toBe('cancelled');
    }
    expect(asked('never reached')).toBe(0);
    // Cancelling again answers with the run as it is.
    expect((await api<WorkflowRun>('POST', `/api/workflow-runs/${run.id}/cancel`)).body.status).toBe('cancelled');
    llm.push({ match: { lastUserIncludes: 'after cancel' }, text: 'fine' });
    const next = await waitRun(api, (await startRun(api, session.id, { script: script(`return await agent('after cancel');`) })).id);
    expect(next.result).toBe('fine');
  });

  it('cancels the runs of a session that is archived', async () => {
    const session = await newSession({ isolated: false });
    llm.push({ match: { lastUserIncludes: 'archived while running' }, text: Array.from({ length: 100 }, (_, k) => `a${k} `), chunkDelayMs: 100 });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const run = await startRun(api, session.id, { script: script(`await agent('archived while running');
return await agent('not after the archive');`) });
    await stream.waitFor((f) => f.type === 'message_delta' && String(f.text).startsWith('a1'), 30_000);
    expect((await api('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    const done = await waitRun(api, run.id);
    expect(done.status).toBe('cancelled');
    expect((await waitTask(done.agents[0]!.task_id!)).status).toBe('cancelled');
    expect(asked('not after the archive')).toBe(0);
    stream.close();
  });

  it('resumes: the same script and args are fully cached; a changed prompt re-runs that call and every one started after it', async () => {
    const session = await newSession();
    const body = `const first = await agent('resume first');
const [p, q] = await parallel([() => agent('resume p ' + args.v + ' after ' + first), () => agent('resume q after ' + first)]);
const last = await agent('resume last ' + p + q);
return [first, p, q, last];`;
    const answers = (v: string) => [
      { match: { lastUserIncludes: 'resume first' }, text: 'F' },
      { match: { lastUserIncludes: `resume p ${v}` }, text: `P${v}` },
      { match: { lastUserIncludes: 'resume q' }, text: 'Q' },
      { match: { lastUserIncludes: 'resume last' }, text: 'L' },
    ];
    llm.push(...answers('v1'));
    const a = await waitRun(api, (await startRun(api, session.id, { script: script(body, 'resumable'), args: { v: 'v1' } })).id);
    expect(a.result).toEqual(['F', 'Pv1', 'Q', 'L']);
    const requests = llm.requests.length;

    // Same script, same args: nothing runs again.
    const b = await waitRun(api, (await startRun(api, session.id, { script: script(body, 'resumable'), args: { v: 'v1' }, resume_from: a.id })).id);
    expect(b).toMatchObject({ status: 'completed', result: ['F', 'Pv1', 'Q', 'L'], resume_from: a.id });
    expect(b.agents.map((x) => x.cached)).toEqual([true, true, true, true]);
    expect(b.agent_counts.cached).toBe(4);
    // A cached agent points at the task that ran it and keeps its usage; the run itself used nothing.
    expect(b.agents.map((x) => x.task_id)).toEqual(a.agents.map((x) => x.task_id));
    expect(b.usage.output).toBe(0);
    expect(llm.requests.length).toBe(requests);

    // resume_from alone re-runs that run as it was, and a resumed run can be resumed again.
    const c = await waitRun(api, (await startRun(api, session.id, { resume_from: b.id })).id);
    expect(c).toMatchObject({ name: 'resumable', args: { v: 'v1' }, result: ['F', 'Pv1', 'Q', 'L'] });
    expect(c.agents.every((x) => x.cached)).toBe(true);
    expect(llm.requests.length).toBe(requests);

    // p's prompt changes: first stays cached; p and the calls started after it run again.
    llm.push(...answers('v2').slice(1));
    const d = await waitRun(api, (await startRun(api, session.id, { script: script(body, 'resumable'), args: { v: 'v2' }, resume_from: a.id })).id);
    expect(d.result).toEqual(['F', 'Pv2', 'Q', 'L']);
    expect(d.agents.map((x) => x.cached)).toEqual([true, false, false, false]);
    expect(llm.requests.length).toBe(requests + 3);
    expect(asked('resume first')).toBe(1);
  });

  it('gives an isolated agent its own worktree cut from the session HEAD: kept with its diff when it changed something, removed when not', async () => {
    const session = await newSession({ permission_policy: 'allow_all' });
    // The session worktree exists and has a commit of its own; the project moved on meanwhile.
    llm.push({ match: { lastUserIncludes: 'warm up' }, text: 'ok' });
    await waitRun(api, (await startRun(api, session.id, { script: script(`return await agent('warm up');`) })).id);
    const wt = (await server.ctx.workspace.get(session.id))!;
    await writeFile(path.join(wt.path, 'session.txt'), 'from the session\n');
    await git(wt.path, 'add', '-A');
    await git(wt.path, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'session commit');
    const sessionHead = (await git(wt.path, 'rev-parse', 'HEAD')).trim();
    await writeFile(path.join(project.path, 'later.txt'), 'project moved on\n');
    await git(project.path, 'add', 'later.txt');
    await git(project.path, 'commit', '-qm', 'project commit');

    llm.push(
      { match: { lastUserIncludes: 'isolated writer' }, toolCalls: [{ name: 'write_file', arguments: { path: 'made.txt', content: 'made by the agent\n' } }] },
      { match: { lastUserIncludes: 'isolated writer' }, text: 'wrote it' },
      { match: { lastUserIncludes: 'isolated reader' }, toolCalls: [{ name: 'read_file', arguments: { path: 'session.txt' } }] },
      { match: { lastUserIncludes: 'isolated reader' }, text: 'read it' },
    );
    const done = await waitRun(
      api,
      (
        await startRun(api, session.id, {
          script: script(`return await parallel([() => agent('isolated writer', { isolation: 'worktree' }), () => agent('isolated reader', { isolation: 'worktree' })]);`),
        })
      ).id,
    );
    expect(done.result).toEqual(['wrote it', 'read it']);
    const [writer, reader] = done.agents;
    expect(writer!.worktree).toMatchObject({ base_commit: sessionHead, files: 1, additions: 1, deletions: 0 });
    expect(writer!.worktree!.patch).toContain('+made by the agent');
    expect(writer!.worktree!.branch).toMatch(/^boocode\/wf-/);
    // The kept worktree is the agent's own: the file is there, not in the session worktree.
    expect((await stat(path.join(writer!.worktree!.path, 'made.txt'))).isFile()).toBe(true);
    await expect(stat(path.join(wt.path, 'made.txt'))).rejects.toThrow();
    // It was cut from the session's HEAD (it has session.txt), not from the project's.
    await expect(stat(path.join(writer!.worktree!.path, 'later.txt'))).rejects.toThrow();
    // The reader changed nothing: no worktree kept, and its branch is gone.
    expect(reader!.worktree).toBeNull();
    expect(llm.requests.find((r) => JSON.stringify(r.messages).includes('from the session'))).toBeDefined();
    const branches = (await git(project.path, 'branch', '--list', `boocode/wf-${done.id.slice(0, 8)}-*`)).split('\n').map((b) => b.replace(/^[*+ ]+/, '').trim());
    expect(branches.filter(Boolean)).toEqual([writer!.worktree!.branch]);
    // The sweep leaves the kept worktree alone while its session is open.
    await server.reaper.sweep();
    expect((await stat(path.join(writer!.worktree!.path, 'made.txt'))).isFile()).toBe(true);
  });
});

async function waitTask(id: string): Promise<Task> {
  for (;;) {
    const t = (await api<Task>('GET', `/api/tasks/${id}`)).body;
    if (!['pending', 'running'].includes(t.status)) return t;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('bad input', () => {
  let session: Session;
  beforeAll(async () => {
    session = await newSession();
  });
  const post = (body: unknown) => api<{ error: string; message: string; details?: Record<string, unknown> }>('POST', `/api/sessions/${session.id}/workflow-runs`, body);

  it('answers a syntax error with 400 and its line and column', async () => {
    const r = await post({ script: script('const x = ;') });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_workflow', details: { kind: 'syntax', line: 2, column: 11 } });
    expect(r.body.message).toMatch(/^script: syntax error at line 2, column 11/);
  });

  it('answers a bad meta with 400 naming the field', async () => {
    const r = await post({ script: "export const meta = { name: 'x', description: 'd', phases: [{ detail: 'no title' }] };\nreturn 1;" });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_workflow', details: { kind: 'meta', field: 'meta.phases[0]' } });
    const noMeta = await post({ script: 'return 1;' });
    expect(noMeta.status).toBe(400);
    expect(noMeta.body.message).toMatch(/must begin with `export const meta/);
    const computed = await post({ script: "export const meta = { name: 'x' + 'y', description: 'd' };" });
    expect(computed.body).toMatchObject({ error: 'invalid_workflow', details: { field: 'meta.name' } });
  });

  it('refuses a body without a workflow, with two, an unknown name or a foreign resume_from', async () => {
    expect((await post({})).body).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/^name: give the name of a workflow/) });
    expect((await post({ name: 'deep-research', script: script('') })).body).toMatchObject({ error: 'invalid_request', message: 'name: give either name or script, not both' });
    const unknown = await post({ name: 'no-such-workflow' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/^name: no workflow named "no-such-workflow"/);
    const other = await newSession();
    const theirs = await startRun(api, other.id, { script: script('return 1;') });
    const foreign = await post({ resume_from: theirs.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toMatch(/^resume_from: no workflow run .* in this session/);
    expect((await post({ script: script('return 1;'), budget: 0 })).status).toBe(400);
    expect((await api('GET', '/api/workflow-runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api('POST', '/api/workflow-runs/not-a-uuid/cancel')).status).toBe(404);
  });

  it('refuses runs in an archived session', async () => {
    const s = await newSession({ isolated: false });
    await api('POST', `/api/sessions/${s.id}/archive`, {});
    const r = await api<{ error: string }>('POST', `/api/sessions/${s.id}/workflow-runs`, { script: script('return 1;') });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('session_archived');
  });

  it('fails a sandbox violation, an endless loop and a memory bomb with a readable error, while another run goes on', async () => {
    llm.push({ match: { lastUserIncludes: 'meanwhile' }, text: 'still fine' });
    const [escape, loop, bomb, normal] = await Promise.all([
      startRun(api, session.id, { script: script(`const p = (function () { return this; }).constructor('return process')(); return p.env;`) }),
      startRun(api, session.id, { script: script(`await agent('before the loop'); for (;;) {}`) }),
      startRun(api, session.id, { script: script(`const keep = []; for (;;) keep.push(new Array(1e6).fill(keep.length));`) }),
      startRun(api, session.id, { script: script(`return await agent('meanwhile');`) }),
    ]);
    const [e, l, b, n] = await Promise.all([escape, loop, bomb, normal].map((r) => waitRun(api, r.id)));
    expect(e).toMatchObject({ status: 'failed', error: expect.stringMatching(/ReferenceError: process is not defined/) });
    expect(l).toMatchObject({ status: 'failed', error: expect.stringMatching(/CPU time limit of 1500 ms/) });
    expect(b).toMatchObject({ status: 'failed', error: expect.stringMatching(/memory limit of 32 MB/) });
    expect(n, JSON.stringify(n)).toMatchObject({ status: 'completed', result: 'still fine' });
    expect((await api('GET', '/api/health')).status).toBe(200);
  });
});

describe('the catalog', () => {
  it('lists the built-ins and the files of the project and BOOCODE_HOME, the first of a name winning, with the files it cannot read', async () => {
    const repo = await makeGitRepo({ 'README.md': '# catalog\n' }, 'catalog');
    const p = (await api<Project>('POST', '/api/projects', { path: repo })).body;
    const put = async (dir: string, file: string, text: string) => {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, file), text);
    };
    const entry = (name: string, description: string) => `export const meta = { name: '${name}', description: '${description}', phases: ['One'] };\nreturn 1;\n`;
    await put(path.join(repo, '.boocode', 'workflows'), 'review.js', entry('multi-review', 'the project one'));
    await put(path.join(repo, '.claude', 'workflows'), 'review.js', entry('multi-review', 'the claude one'));
    await put(path.join(repo, '.claude', 'workflows'), 'cc.js', entry('from-claude', 'a Claude Code file'));
    await put(path.join(repo, '.claude', 'workflows'), 'broken.js', 'export const meta = { name: "broken" ;');
    await put(path.join(server.home, 'workflows'), 'mine.js', entry('mine', 'from home'));
    await put(path.join(server.home, 'workflows'), 'cc.js', entry('from-claude', 'shadowed by the project'));
    await put(path.join(repo, '.boocode', 'workflows'), 'notes.txt', 'not a workflow');

    const catalog = (await api<WorkflowCatalog>('GET', `/api/projects/${p.id}/workflows`)).body;
    const byName = Object.fromEntries(catalog.items.map((i) => [i.name, i]));
    expect(byName['multi-review']).toMatchObject({ description: 'the project one', source: 'project', path: path.join(repo, '.boocode', 'workflows', 'review.js'), phases: ['One'] });
    expect(byName['from-claude']).toMatchObject({ source: 'claude', description: 'a Claude Code file' });
    expect(byName['mine']).toMatchObject({ source: 'home' });
    for (const name of ['deep-research', 'plan-verify', 'bounty-hunt']) {
      expect(byName[name]).toMatchObject({ source: 'builtin', path: null });
      expect(byName[name]!.whenToUse).toEqual(expect.any(String));
      expect(byName[name]!.phases.length).toBeGreaterThan(1);
    }
    expect(catalog.items.filter((i) => i.name === 'multi-review')).toHaveLength(1);
    expect(catalog.problems).toEqual([
      { source: 'claude', path: path.join(repo, '.claude', 'workflows', 'broken.js'), error: expect.stringMatching(/^syntax error at line 1, column/) },
    ]);
    expect((await api('GET', '/api/projects/00000000-0000-4000-8000-000000000000/workflows')).status).toBe(404);
  });
});
