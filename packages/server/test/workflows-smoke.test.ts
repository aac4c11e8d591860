import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Project, Session, WorkflowRun, WorkflowRunDetail } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';

let llm: FakeLlm;
let server: TestServer;
let project: Project;
beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' } });
  server = await startTestServer({ native: { baseURL: llm.url, model: 'fake-model', apiKey: 'k' }, writeIntervalMs: 50 });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

it('smoke', async () => {
  const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
  llm.push({ match: { lastUserIncludes: 'one' }, text: 'first' }, { match: { lastUserIncludes: 'two' }, text: 'second' });
  const r = await server.api<WorkflowRun>('POST', `/api/sessions/${session.id}/workflow-runs`, {
    script: "export const meta = { name: 'smoke', description: 'd' };\nconst [a, b] = await parallel([() => agent('one'), () => agent('two')]);\nreturn a + '+' + b;",
  });
  expect(r.status).toBe(201);
  let run: WorkflowRunDetail;
  for (;;) {
    run = (await server.api<WorkflowRunDetail>('GET', `/api/workflow-runs/${r.body.id}`)).body;
    if (['completed', 'failed', 'cancelled'].includes(run.status)) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  console.log(JSON.stringify(run, null, 1));
  expect(run.result).toBe('first+second');
});
