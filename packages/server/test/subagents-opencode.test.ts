import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENTS } from '@boocode/agents';
import type { MessagePage, Project, SubagentList, TracePage } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, openCodeHome, post, waitTask, type OpenCodeHome } from './agents-env.js';

/** Starting opencode takes tens of seconds on a busy machine. */
const OPENCODE_MS = 90_000;

/**
 * The real opencode, on the fake LLM, gets BooCode's MCP server for its session and spawns a
 * subagent with it, then collects the child's answer in the same turn.
 */
let llm: FakeLlm;
let oc: OpenCodeHome;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm();
  oc = openCodeHome(llm.url);
  const home = homeWithConfig({ opencode: { config: oc.config, defaultProvider: 'fake', offline: true, env: oc.env } });
  server = await startTestServer({
    home,
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' },
    writeIntervalMs: 50,
    agents: { discovery: { agents: DEFAULT_AGENTS.filter((a) => a.name === 'opencode'), env: oc.env, timeoutMs: OPENCODE_MS } },
  });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'hello.txt': 'hi there\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  await llm?.close();
  oc?.cleanup();
});

describe('opencode spawns subagents through BooCode MCP server', { timeout: 3 * OPENCODE_MS }, () => {
  it('calls spawn_subagent and collects the child result in the same turn; the child shows in the session', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'opencode', permission_policy: 'allow_all' });
    llm.push(
      {
        match: { hasTools: true, lastUserIncludes: 'delegate it' },
        toolCalls: [{ name: 'boocode_spawn_subagent', arguments: { prompt: 'native child over mcp', agent: 'native', isolation: 'shared', label: 'from opencode' } }],
      },
      { match: { lastUserIncludes: 'native child over mcp' }, text: 'the native child answer' },
      {
        match: { hasTools: true, lastUserIncludes: 'delegate it' },
        toolCalls: [{ name: 'boocode_subagent_result', arguments: { id: '{{tool_uuid:0}}', wait_seconds: 120 } }],
      },
      { match: { hasTools: true, lastUserIncludes: 'delegate it' }, text: 'collected the child answer' },
    );
    const parent = await waitTask(server, (await post(server, chat.id, 'delegate it')).id);
    expect(parent.error).toBeNull();
    expect(parent.status).toBe('completed');
    // opencode offered BooCode's tools to the model under its MCP server's name.
    const first = llm.requests.find((r) => r.lastUserText.includes('delegate it') && r.tools.length > 0)!;
    expect(first.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['boocode_spawn_subagent', 'boocode_subagent_result']));
    const [child] = (await server.api<SubagentList>('GET', `/api/sessions/${session.id}/subagents`)).body.items;
    expect(child).toMatchObject({ parent_task_id: parent.id, agent: 'native', label: 'from opencode', status: 'completed' });
    // The child's answer reached opencode's model in the same turn.
    const last = llm.requests.filter((r) => r.lastUserText.includes('delegate it')).at(-1)!;
    expect(JSON.stringify(last.messages)).toContain('the native child answer');
    const page = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
    expect(page.items.at(-1)?.content).toContain('collected the child answer');
    // The MCP call that spawned it names the child, so the trace tree nests the child's turn under it.
    const traces = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    const spawn = traces.find((t) => t.tool_name.includes('spawn_subagent'));
    expect(spawn?.subagent_ids).toEqual([child!.id]);
  });
});
