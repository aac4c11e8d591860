import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Session, WorkflowLogList, WorkflowRun } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { script, startRun, waitRun, type Api } from './workflows-helpers.js';

/**
 * What a run leaves for those who look later: its log() lines (stored, in order, the newest kept),
 * the agent limit it ran under, what each agent cost, and the session flagged when it ended.
 */

let llm: FakeLlm;
let server: TestServer;
let project: Project;
let api: Api;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'answer', usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 } } });
  server = await startTestServer({
    // A model of the bundled price table, so each agent's turns have a price.
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'deepseek-chat', BOOCODE_NATIVE_API_KEY: 'k' },
    writeIntervalMs: 50,
    workflows: { limits: { maxAgents: 40 } },
  });
  api = (m, u, b) => server.api(m, u, b);
  project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

async function newSession(): Promise<Session> {
  return (await api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
}

describe('workflow run logs', () => {
  it('stores log() lines in order, numbered like their frames, and returns them after the run (from after_line on)', async () => {
    const session = await newSession();
    const stream = await openStream(server.url, session.id, { token: server.token });
    const run = await startRun(api, session.id, {
      script: script(`log('first'); const a = await agent('one'); log('got', a); log({ n: 2 }); return a;`, 'logger'),
    });
    expect((await waitRun(api, run.id)).status).toBe('completed');
    const logs = (await api<WorkflowLogList>('GET', `/api/workflow-runs/${run.id}/logs`)).body;
    expect(logs.dropped).toBe(0);
    expect(logs.items.map((l) => [l.line, l.message])).toEqual([
      [1, 'first'],
      [2, 'got answer'],
      [3, '{"n":2}'],
    ]);
    expect(logs.items.every((l) => !Number.isNaN(Date.parse(l.at)))).toBe(true);
    await stream.waitFor((f) => f.type === 'workflow_run' && (f.run as WorkflowRun).status === 'completed');
    expect(stream.frames.filter((f) => f.type === 'workflow_log').map((f) => [f.line, f.message])).toEqual(logs.items.map((l) => [l.line, l.message]));
    stream.close();
    const later = (await api<WorkflowLogList>('GET', `/api/workflow-runs/${run.id}/logs?after_line=2`)).body;
    expect(later.items.map((l) => l.message)).toEqual(['{"n":2}']);
  });

  it('keeps the newest 2,000 lines of a chatty run and counts the ones dropped', async () => {
    const session = await newSession();
    const run = await startRun(api, session.id, { script: script(`for (let i = 1; i <= 2300; i++) log('line ' + i); return 'ok';`, 'chatty') });
    expect((await waitRun(api, run.id)).status).toBe('completed');
    const logs = (await api<WorkflowLogList>('GET', `/api/workflow-runs/${run.id}/logs`)).body;
    expect(logs.items).toHaveLength(2000);
    expect(logs.dropped).toBe(300);
    expect(logs.items[0]).toMatchObject({ line: 301, message: 'line 301' });
    expect(logs.items.at(-1)).toMatchObject({ line: 2300, message: 'line 2300' });
  });

  it('refuses an unknown run and a bad after_line', async () => {
    expect((await api('GET', '/api/workflow-runs/00000000-0000-4000-8000-000000000000/logs')).status).toBe(404);
    const session = await newSession();
    const run = await startRun(api, session.id, { script: script(`return 1;`, 'tiny') });
    const bad = await api<{ error: { message: string } }>('GET', `/api/workflow-runs/${run.id}/logs?after_line=-1`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('after_line');
  });
});

describe('what a run reports beyond its logs', () => {
  it('says the agent limit it runs under, and what each agent cost', async () => {
    const session = await newSession();
    const run = await startRun(api, session.id, { script: script(`return await parallel([() => agent('p1'), () => agent('p2')]);`, 'priced') });
    const done = await waitRun(api, run.id);
    expect(done.status).toBe('completed');
    expect(done.agent_limit).toBe(40);
    // deepseek-chat: 1M uncached input at 0.28 and 1M output at 0.42 per turn.
    for (const a of done.agents) expect(a.cost).toBeCloseTo(0.7, 5);
    const listed = (await api<{ items: WorkflowRun[] }>('GET', `/api/sessions/${session.id}/workflow-runs`)).body.items[0]!;
    expect(listed.agent_limit).toBe(40);

    // Resumed unchanged: both answers come from the journal, and nothing ran (or cost) again.
    const again = await waitRun(api, (await startRun(api, session.id, { resume_from: run.id })).id);
    expect(again.agents.every((a) => a.cached && a.cost === null)).toBe(true);
  });

  it('flags the session when a run ends, by how the run ended rather than by its agents', async () => {
    const failing = await newSession();
    const run = await startRun(api, failing.id, { script: script(`await agent('before the throw'); throw new Error('the script gave up');`, 'gives-up') });
    expect((await waitRun(api, run.id)).status).toBe('failed');
    // Its agent completed, but the run failed: that is what the user must hear.
    expect((await api<Session>('GET', `/api/sessions/${failing.id}`)).body.attention).toBe('failed');

    // While it goes, an agent that finished is no news yet.
    const going = await newSession();
    llm.push({ match: { lastUserIncludes: 'slow second' }, text: Array.from({ length: 40 }, (_, k) => `s${k} `), chunkDelayMs: 100 });
    const two = await startRun(api, going.id, { script: script(`await agent('quick first'); return await agent('slow second');`, 'two') });
    await waitRun(api, two.id, (r) => r.agents[1]?.task_status === 'running');
    expect((await api<Session>('GET', `/api/sessions/${going.id}`)).body.attention).toBeNull();
    expect((await waitRun(api, two.id)).status).toBe('completed');
    expect((await api<Session>('GET', `/api/sessions/${going.id}`)).body.attention).toBe('finished');

    const ok = await newSession();
    expect((await waitRun(api, (await startRun(api, ok.id, { script: script(`return await agent('fine');`, 'fine') })).id)).status).toBe('completed');
    expect((await api<Session>('GET', `/api/sessions/${ok.id}`)).body.attention).toBe('finished');

    // A cancel is the user's own doing: no flag.
    const cancelled = await newSession();
    llm.push({ match: { lastUserIncludes: 'slow one' }, text: Array.from({ length: 100 }, (_, k) => `w${k} `), chunkDelayMs: 100 });
    const slow = await startRun(api, cancelled.id, { script: script(`return await agent('slow one');`, 'slow') });
    await waitRun(api, slow.id, (r) => r.agents.length === 1);
    await api('POST', `/api/workflow-runs/${slow.id}/cancel`);
    expect((await waitRun(api, slow.id)).status).toBe('cancelled');
    expect((await api<Session>('GET', `/api/sessions/${cancelled.id}`)).body.attention).toBeNull();
  });
});
