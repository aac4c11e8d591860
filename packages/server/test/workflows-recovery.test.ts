import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MessagePage, Project, Session, Task, WorkflowRun, WorkflowRunDetail } from '@boocode/contracts';
import { scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo, openStream, type ServeProcess, spawnServe, spawnWorker, startTestServer, until, type WorkerProcess } from '@boocode/testkit/server';
import { script, startRun, waitRun, type Api } from './workflows-helpers.js';

/**
 * A workflow run whose server is killed (kill -9) goes on after a restart: the new process takes
 * the run over once its lease expires and replays the script against the journal.
 */

let llm: FakeLlm;
const children: (ServeProcess | WorkerProcess)[] = [];
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await llm?.close();
});

const env = () => ({ BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake', BOOCODE_LEASE_MS: '1500' });

async function serve(home: string, flags: string[] = []): Promise<{ child: ServeProcess; api: Api }> {
  const child = await spawnServe(['--port', '0', '--home', home, ...flags], env());
  children.push(child);
  const token = (JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as { token: string }).token;
  const api: Api = async (method, url, body) => {
    const res = await fetch(child.url + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
  };
  return { child, api };
}

const asked = (text: string) => llm.requests.filter((r) => r.lastUserText.includes(text)).length;

describe('a workflow run whose server is killed', () => {
  it('finishes after a restart, and no agent that had completed runs again', async () => {
    const home = scratchDir('boocode-wf-crash-');
    let { child, api } = await serve(home);
    const project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;

    llm.push(
      ...[0, 1, 2].map((i) => ({ match: { lastUserIncludes: `crash done [${i}]` }, text: `D${i}` })),
      // Streaming when the server dies: it had output, so its task continues in the next process,
      // which asks the model again (nothing was journaled) and keeps only the new answer.
      { match: { lastUserIncludes: 'crash streaming' }, text: Array.from({ length: 300 }, (_, k) => `s${k} `), chunkDelayMs: 50 },
      { match: { lastUserIncludes: 'crash streaming' }, text: 'S' },
      // Silent when the server dies: its task goes back to the queue and the same task runs again.
      { match: { lastUserIncludes: 'crash silent' }, text: 'too late', chunkDelayMs: 120_000 },
      { match: { lastUserIncludes: 'crash silent' }, text: 'Q' },
      { match: { lastUserIncludes: 'crash final' }, text: 'Z' },
    );
    const run = await startRun(api, session.id, {
      script: script(`phase('Quick');
const quick = await parallel([0, 1, 2].map((i) => () => agent('crash done [' + i + ']', { label: 'quick ' + i })));
phase('Slow');
const slow = await parallel([() => agent('crash streaming', { label: 'streaming' }), () => agent('crash silent', { label: 'silent' })]);
const last = await agent('crash final ' + quick.join('') + slow.join(''));
return [...quick, ...slow, last];`),
    });

    // The quick agents are journaled; the slow ones are mid-way: one has streamed text, one is silent.
    const before = await waitRun(
      api,
      run.id,
      (r) => r.agents.filter((a) => a.status === 'completed').length === 3 && r.agents.filter((a) => a.task_id).length === 5,
    );
    const streaming = before.agents.find((a) => a.label === 'streaming')!;
    const silent = before.agents.find((a) => a.label === 'silent')!;
    const streamingTask = (await api<Task>('GET', `/api/tasks/${streaming.task_id}`)).body;
    await until(async () => {
      const page = (await api<MessagePage>('GET', `/api/chats/${streamingTask.chat_id}/messages`)).body;
      return page.items.some((m) => m.role === 'assistant' && m.content.length > 10);
    }, 'streamed text in the database');
    await until(async () => asked('crash silent') === 1, 'the silent request');

    child.child.kill('SIGKILL');
    await child.exited;
    ({ child, api } = await serve(home));

    const done = await waitRun(api, run.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.result).toEqual(['D0', 'D1', 'D2', 'S', 'Q', 'Z']);
    // No agent that had completed ran again.
    for (const i of [0, 1, 2]) expect(asked(`crash done [${i}]`)).toBe(1);
    expect(done.agents.slice(0, 3).map((a) => a.task_id)).toEqual(before.agents.slice(0, 3).map((a) => a.task_id));
    // Journaled by the first process: this run's own results, not a cache of another run.
    expect(done.agents.slice(0, 3).every((a) => !a.cached && a.status === 'completed')).toBe(true);
    // The silent agent's task was queued again and ran (the same task, not a second one)...
    const after = Object.fromEntries(done.agents.map((a) => [a.label ?? 'final', a]));
    expect(after['silent']!.task_id).toBe(silent.task_id);
    expect((await api<Task>('GET', `/api/tasks/${silent.task_id}`)).body).toMatchObject({ status: 'completed', attempts: 2 });
    // ...and the one that was streaming continued in its own task, saying its answer again.
    expect(after['streaming']!.task_id).toBe(streaming.task_id);
    expect((await api<Task>('GET', `/api/tasks/${streaming.task_id}`)).body).toMatchObject({ status: 'completed' });
    expect(asked('crash streaming')).toBe(2);
    expect(asked('crash silent')).toBe(2);
    expect(asked('crash final')).toBe(1);

    await child.stop();
    expect((await child.exited).code).toBe(0);
  });
});

describe('a workflow run whose server shuts down', () => {
  it('is handed to another server on the same database, which finishes it without re-running what had completed', async () => {
    const databaseUrl = await createTestDatabase();
    const env = { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake' };
    const first = await startTestServer({ databaseUrl, env });
    const project = (await first.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await first.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
    llm.push(
      { match: { lastUserIncludes: 'handover done' }, text: 'H' },
      // Silent when the first server stops: its task goes back to the queue for the next worker.
      { match: { lastUserIncludes: 'handover waiting' }, text: 'too late', chunkDelayMs: 120_000 },
      { match: { lastUserIncludes: 'handover waiting' }, text: 'W' },
    );
    const firstApi: Api = (m, u, b) => first.api(m, u, b);
    const run = await startRun(firstApi, session.id, {
      script: script(`const a = await agent('handover done'); const b = await agent('handover waiting after ' + a); return a + b;`),
    });
    await waitRun(firstApi, run.id, (r) => r.agents.some((a) => a.status === 'completed') && r.agents.length === 2);
    await until(async () => asked('handover waiting') === 1, 'the waiting request');
    await first.close();

    const second = await startTestServer({ databaseUrl, env });
    try {
      const done = await waitRun((m, u, b) => second.api(m, u, b), run.id);
      expect(done).toMatchObject({ status: 'completed', result: 'HW', error: null });
      expect(asked('handover done')).toBe(1);
      expect(asked('handover waiting')).toBe(2);
      // The waiting agent kept its task: it went back to the queue and the second server ran it.
      expect(done.agents[1]!.attempts).toBe(1);
      const task = (await second.api<Task>('GET', `/api/tasks/${done.agents[1]!.task_id}`)).body;
      expect(task).toMatchObject({ status: 'completed', attempts: 2 });
    } finally {
      await second.close();
    }
  });
});

describe('a workflow run cancelled while no worker hosts it', () => {
  it('ends cancelled with the agents its last worker left queued', async () => {
    const databaseUrl = await createTestDatabase();
    const env = { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake' };
    const first = await startTestServer({ databaseUrl, env });
    const project = (await first.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await first.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
    llm.push({ match: { lastUserIncludes: 'orphaned agent' }, text: 'too late', chunkDelayMs: 120_000 });
    const run = await startRun((m, u, b) => first.api(m, u, b), session.id, { script: script(`return await agent('orphaned agent');`) });
    await until(async () => asked('orphaned agent') === 1, 'the agent request');
    await first.close();

    // API only: nothing takes the run or its agent's task.
    const apiOnly = await startTestServer({ databaseUrl, env, worker: false });
    try {
      const cancelled = await apiOnly.api<WorkflowRunDetail>('POST', `/api/workflow-runs/${run.id}/cancel`);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', error: 'cancelled while waiting for a worker' });
      const detail = (await apiOnly.api<WorkflowRunDetail>('GET', `/api/workflow-runs/${run.id}`)).body;
      const task = (await apiOnly.api<Task>('GET', `/api/tasks/${detail.agents[0]!.task_id}`)).body;
      expect(task.status).toBe('cancelled');
    } finally {
      await apiOnly.close();
    }
  });
});

describe('a workflow run on a server without a worker', () => {
  it('is hosted by a `boocode worker` process, whose frames reach the server\'s clients', async () => {
    const home = scratchDir('boocode-wf-worker-');
    const { child: server, api } = await serve(home, ['--no-worker']);
    const worker = await spawnWorker(['--home', home], env());
    children.push(worker);
    const project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
    const token = (JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as { token: string }).token;
    const stream = await openStream(server.url, session.id, { token });
    llm.push({ match: { lastUserIncludes: 'on the worker [1]' }, text: 'one' }, { match: { lastUserIncludes: 'on the worker [2]' }, text: 'two' });
    const run = await startRun(api, session.id, {
      script: script(`phase('Away'); return await parallel([() => agent('on the worker [1]'), () => agent('on the worker [2]')]);`),
    });
    const done = await waitRun(api, run.id);
    expect(done).toMatchObject({ status: 'completed', result: ['one', 'two'] });
    await stream.waitFor((f) => f.type === 'workflow_run' && (f.run as WorkflowRun).status === 'completed', 30_000);
    expect(stream.frames.find((f) => f.type === 'workflow_phase')).toMatchObject({ title: 'Away' });
    const task = (await api<Task>('GET', `/api/tasks/${done.agents[0]!.task_id}`)).body;
    const answer = (await api<MessagePage>('GET', `/api/chats/${task.chat_id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(answer.metadata.worker).toBe(worker.workerId);
    stream.close();
    await worker.stop();
    await server.stop();
  });
});
