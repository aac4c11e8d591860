import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENTS } from '@boocode/agents';
import type { Project, Task, TracePage } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, openCodeHome, type OpenCodeHome } from './agents-env.js';
import { script, startRun, waitRun, type Api } from './workflows-helpers.js';

/**
 * A workflow whose agents run on the real opencode (`opencode serve`, offline, on the fake LLM) next
 * to the native agent: the same file, `options.agent` picking the backend per call.
 */

let llm: FakeLlm;
let oc: OpenCodeHome;
let server: TestServer;
let project: Project;
let api: Api;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'a title' } });
  oc = openCodeHome(llm.url);
  const home = homeWithConfig({ opencode: { config: oc.config, defaultProvider: 'fake', offline: true, env: oc.env } });
  server = await startTestServer({
    home,
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' },
    writeIntervalMs: 50,
    agents: { discovery: { agents: DEFAULT_AGENTS.filter((a) => a.name === 'opencode'), env: oc.env } },
  });
  api = (m, u, b) => server.api(m, u, b);
  project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'hello.txt': 'hi there\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  await llm?.close();
  oc?.cleanup();
});

describe('a workflow on opencode', () => {
  it('runs agents on opencode and the native agent side by side, with a schema answer from opencode', async () => {
    const { session } = await newSession(server, project, {});
    llm.push(
      { match: { hasTools: true, lastUserIncludes: 'opencode reads hello' }, toolCalls: [{ name: 'read', arguments: { filePath: 'hello.txt' } }] },
      { match: { hasTools: true, lastUserIncludes: 'opencode reads hello' }, text: 'It says hi there.', usage: { prompt_tokens: 50, completion_tokens: 6 } },
      { match: { hasTools: true, lastUserIncludes: 'native says hi' }, text: 'hello from native' },
      { match: { hasTools: true, lastUserIncludes: 'opencode json' }, text: '{"words": 3}' },
    );
    const run = await startRun(api, session.id, {
      script: script(`const [read, native] = await parallel([
  () => agent('opencode reads hello.txt', { agent: 'opencode', label: 'reader' }),
  () => agent('native says hi', { label: 'native' }),
]);
const counted = await agent('opencode json: how many words in ' + JSON.stringify(read), {
  agent: 'opencode', label: 'counter', model: 'sonnet',
  schema: { type: 'object', properties: { words: { type: 'integer' } }, required: ['words'] },
});
return { read, native, counted };`),
    });
    const done = await waitRun(api, run.id);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ read: 'It says hi there.', native: 'hello from native', counted: { words: 3 } });
    const tasks = Object.fromEntries(
      await Promise.all(done.agents.map(async (a) => [a.label, (await api<Task>('GET', `/api/tasks/${a.task_id}`)).body] as const)),
    );
    expect(tasks['reader']).toMatchObject({ agent: 'opencode', status: 'completed' });
    expect(tasks['counter']).toMatchObject({ agent: 'opencode', status: 'completed' });
    // Claude Code's model tier means nothing to opencode: the session's model is used.
    expect(tasks['counter']!.model).toBe(session.model);
    expect(tasks['native']).toMatchObject({ agent: 'native', status: 'completed' });
    // opencode's tool call is traced like any turn's, in the agent's own chat.
    const traces = (await api<TracePage>('GET', `/api/chats/${tasks['reader']!.chat_id}/traces`)).body.items;
    expect(traces).toEqual([expect.objectContaining({ tool_name: 'read', outcome: 'success' })]);
    expect(traces[0]!.tool_output).toContain('hi there');
    expect(done.agents.find((a) => a.label === 'reader')!.usage.output).toBeGreaterThan(0);
  });
});
