import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Chat, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { McpTokens } from '@boocode/server/internals';
import { CLI_BIN, inheritedEnv, runCli } from '@boocode/testkit/server';
import { useNativeServer } from './agents-env.js';

const env = useNativeServer();

type Transport = 'Streamable HTTP' | 'stdio (boocode mcp)';

/** The official SDK client, on `/api/mcp` itself or through the built `boocode mcp` bridge to it. */
async function connectOver(transport: Transport, token: string, args: string[] = []): Promise<Client> {
  const client = new Client({ name: 'boocode-test', version: '1.0.0' });
  await client.connect(
    transport === 'Streamable HTTP'
      ? new StreamableHTTPClientTransport(new URL(`${env.server.url}/api/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } })
      : new StdioClientTransport({ command: process.execPath, args: [CLI_BIN, 'mcp', ...args], env: { ...inheritedEnv(), BOOCODE_URL: env.server.url, BOOCODE_TOKEN: token }, stderr: 'pipe' }),
  );
  return client;
}

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text?: string }[];
}
const textOf = (r: unknown) => (r as ToolAnswer).content.map((c) => c.text ?? '').join('');
const jsonOf = <T>(r: unknown): T => JSON.parse(textOf(r)) as T;

async function sessionWithTurn(): Promise<{ session: Session; chat: Chat; task: Task }> {
  const session = (await env.server.api<Session>('POST', '/api/sessions', { project_id: env.project.id })).body;
  await env.server.api('PATCH', `/api/sessions/${session.id}`, { subagent_followup: false });
  const chat = (await env.server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  env.llm.push({ match: { lastUserIncludes: `host ${session.id}` }, text: 'hosted' });
  const { task } = (await env.server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: `host ${session.id}` })).body;
  return { session, chat, task };
}

const EXPECTED_TOOLS = [
  'cancel',
  'create_session',
  'get_diff',
  'get_messages',
  'list_agents',
  'list_sessions',
  'list_subagents',
  'run_workflow',
  'send_prompt',
  'spawn_subagent',
  'subagent_result',
  'subagent_status',
  'wait_for_turn',
  'workflow_status',
];

describe.each<Transport>(['Streamable HTTP', 'stdio (boocode mcp)'])('BooCode MCP env.server over %s', (transport) => {
  const connect = (token: string, args: string[] = []) => connectOver(transport, token, args);

  it('refuses a missing or wrong token, and a scoped token anywhere else in the API', async () => {
    const none = await fetch(`${env.server.url}/api/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    await expect(connect('wrong')).rejects.toThrow();
    const { session, chat } = await sessionWithTurn();
    const scoped = new McpTokens(env.server.token).mint(session.id, chat.id);
    // A forged MAC, or a token for another chat, grants nothing.
    await expect(connect(`${scoped.slice(0, -4)}AAAA`)).rejects.toThrow();
    expect((await env.server.api('GET', `/api/sessions/${session.id}`, undefined, { token: scoped })).status).toBe(401);
  });

  it('lists every tool with a description and an input schema; the main token calls each', async () => {
    const client = await connect(env.server.token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(EXPECTED_TOOLS);
    for (const t of tools) {
      expect(t.description?.length, t.name).toBeGreaterThan(20);
      expect(t.inputSchema.type).toBe('object');
    }
    const { session, chat, task } = await sessionWithTurn();
    const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });

    expect(jsonOf<{ items: { name: string }[] }>(await call('list_agents')).items.some((a) => a.name === 'native')).toBe(true);
    expect(jsonOf<{ items: Session[] }>(await call('list_sessions', { project_id: env.project.id })).items.some((s) => s.id === session.id)).toBe(true);
    const created = jsonOf<Session>(await call('create_session', { project_id: env.project.id, name: 'from mcp' }));
    expect(created.name).toBe('from mcp');
    expect(jsonOf<Task>(await call('wait_for_turn', { task_id: task.id, wait_seconds: 60 })).status).toBe('completed');
    const messages = jsonOf<{ role: string; content: string }[]>(await call('get_messages', { chat_id: chat.id }));
    expect(messages.map((m) => m.content)).toEqual([`host ${session.id}`, 'hosted']);

    env.llm.push({ match: { lastUserIncludes: 'mcp child' }, text: 'child says hi' });
    const child = jsonOf<{ id: string; parent_task_id: string; chat_id: string }>(
      await call('spawn_subagent', { prompt: 'mcp child', isolation: 'shared', parent_task_id: task.id, label: 'via mcp' }),
    );
    expect(child.parent_task_id).toBe(task.id);
    expect(jsonOf<{ status: string }>(await call('subagent_status', { id: child.id })).status).toMatch(/pending|running|completed/);
    expect(jsonOf<{ text: string }>(await call('subagent_result', { id: child.id, wait_seconds: 60 })).text).toBe('child says hi');
    expect(jsonOf<{ items: { id: string }[] }>(await call('list_subagents', { session_id: session.id })).items.map((s) => s.id)).toEqual([child.id]);

    env.llm.push({ match: { lastUserIncludes: 'second prompt' }, text: 'second answer' });
    const sent = jsonOf<{ task_id: string }>(await call('send_prompt', { chat_id: child.chat_id, prompt: 'second prompt' }));
    expect(jsonOf<Task>(await call('wait_for_turn', { task_id: sent.task_id, wait_seconds: 60 })).status).toBe('completed');
    expect(jsonOf<Task>(await call('cancel', { task_id: sent.task_id })).status).toBe('completed');
    const diff = jsonOf<{ files: unknown[] } | null>(await call('get_diff', { session_id: session.id }));
    expect(diff === null || Array.isArray(diff.files)).toBe(true);
    // A child in its own worktree has a diff of its own; one sharing the session's says where its changes are.
    env.llm.push({ match: { lastUserIncludes: 'mcp worktree child' }, text: 'changed nothing' });
    const own = jsonOf<{ id: string }>(await call('spawn_subagent', { prompt: 'mcp worktree child', parent_task_id: task.id }));
    expect(jsonOf<{ text: string }>(await call('subagent_result', { id: own.id, wait_seconds: 60 })).text).toBe('changed nothing');
    const ownDiff = jsonOf<{ files: unknown[]; base_commit: string }>(await call('get_diff', { subagent_id: own.id }));
    expect(ownDiff.files).toEqual([]);
    expect(ownDiff.base_commit).toMatch(/^[0-9a-f]{40}$/);
    const sharedDiff = await call('get_diff', { subagent_id: child.id });
    expect((sharedDiff as ToolAnswer).isError).toBe(true);
    expect(textOf(sharedDiff)).toMatch(/session's worktree/);
    const run = jsonOf<{ id: string; status: string }>(
      await call('run_workflow', { session_id: session.id, script: "export const meta = { name: 'noop', description: 'a test workflow' };\nreturn 42;" }),
    );
    const status = jsonOf<{ id: string; agents: unknown[] }>(await call('workflow_status', { run_id: run.id }));
    expect(status.id).toBe(run.id);
    expect(status.agents).toEqual([]);
    await client.close();
  });

  it('answers bad input with readable tool errors', async () => {
    const client = await connect(env.server.token);
    const bad = async (name: string, args: Record<string, unknown>, says: RegExp) => {
      let text: string;
      try {
        const r = await client.callTool({ name, arguments: args });
        expect((r as ToolAnswer).isError, `${name} ${JSON.stringify(args)}`).toBe(true);
        text = textOf(r);
      } catch (err) {
        // Input the schema refuses may come back as a protocol error instead.
        text = (err as Error).message;
      }
      expect(text).toMatch(says);
    };
    await bad('spawn_subagent', { prompt: '' }, /prompt/);
    await bad('spawn_subagent', { prompt: 'x' }, /parent_task_id/);
    await bad('subagent_status', { id: 'not-an-id' }, /id/);
    await bad('subagent_result', { id: '00000000-0000-4000-8000-000000000000' }, /no (subagent|task)/);
    await bad('get_messages', { chat_id: '00000000-0000-4000-8000-000000000000' }, /no chat/);
    await bad('create_session', { project_id: '00000000-0000-4000-8000-000000000000' }, /project/);
    await bad('send_prompt', { chat_id: '00000000-0000-4000-8000-000000000000', prompt: 'x' }, /no chat/);
    await bad('wait_for_turn', { task_id: '00000000-0000-4000-8000-000000000000', wait_seconds: 1 }, /no task/);
    await bad('cancel', { task_id: '00000000-0000-4000-8000-000000000000' }, /no task/);
    await bad('list_subagents', {}, /session_id/);
    await bad('get_diff', {}, /session_id/);
    await bad('get_diff', { subagent_id: '00000000-0000-4000-8000-000000000000' }, /no task/);
    await bad('run_workflow', { session_id: '00000000-0000-4000-8000-000000000000', script: 'return 1' }, /session/);
    await bad('workflow_status', { run_id: '00000000-0000-4000-8000-000000000000' }, /no workflow run/);
    await bad('list_sessions', { project_id: 'nope' }, /project_id/);
    await bad('list_agents', { extra: 1 }, /./);
    await client.close();
  });

  it('a token scoped to a session reaches that session only', async () => {
    const own = await sessionWithTurn();
    const other = await sessionWithTurn();
    await env.server.api('GET', `/api/tasks/${own.task.id}`);
    const client = await connect(new McpTokens(env.server.token).mint(own.session.id, own.chat.id));
    const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });
    const sessions = jsonOf<{ items: Session[] }>(await call('list_sessions'));
    expect(sessions.items.map((s) => s.id)).toEqual([own.session.id]);
    for (const [name, args] of [
      ['get_messages', { chat_id: other.chat.id }],
      ['cancel', { task_id: other.task.id }],
      ['wait_for_turn', { task_id: other.task.id }],
      ['subagent_status', { id: other.task.id }],
      ['list_subagents', { session_id: other.session.id }],
      ['get_diff', { session_id: other.session.id }],
      ['get_diff', { subagent_id: other.task.id }],
      ['create_session', { project_id: env.project.id }],
      ['send_prompt', { chat_id: own.chat.id, prompt: 'to myself' }],
    ] as const) {
      const r = await call(name, args);
      expect((r as ToolAnswer).isError, name).toBe(true);
    }
    // Its own spawn attaches to its chat's turn.
    env.llm.push({ match: { lastUserIncludes: 'scoped child' }, text: 'scoped answer' });
    const child = jsonOf<{ id: string; parent_task_id: string }>(await call('spawn_subagent', { prompt: 'scoped child', isolation: 'shared' }));
    expect(child.parent_task_id).toBe(own.task.id);
    expect(jsonOf<{ text: string }>(await call('subagent_result', { id: child.id, wait_seconds: 60 })).text).toBe('scoped answer');
    await client.close();
  });
});

describe('boocode mcp --session', () => {
  it('narrows the main token to one session, as its own agents see it', async () => {
    const own = await sessionWithTurn();
    await sessionWithTurn();
    const client = await connectOver('stdio (boocode mcp)', env.server.token, ['--session', own.session.id.slice(0, 8)]);
    const sessions = jsonOf<{ items: Session[] }>(await client.callTool({ name: 'list_sessions', arguments: {} }));
    expect(sessions.items.map((s) => s.id)).toEqual([own.session.id]);
    await client.close();
  });

  it('refuses a session that does not exist, and a scoped token naming another session', async () => {
    const run = await runCli(['mcp', '--session', '00000000-0000-4000-8000-000000000000'], { BOOCODE_URL: env.server.url, BOOCODE_TOKEN: env.server.token });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no session/);
    const own = await sessionWithTurn();
    const other = await sessionWithTurn();
    const scoped = new McpTokens(env.server.token).mint(own.session.id, own.chat.id);
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const post = (token: string, session: string) =>
      fetch(`${env.server.url}/api/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-boocode-session': session },
        body: JSON.stringify(init),
      });
    const refused = await post(scoped, other.session.id);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/scoped to session/);
    expect((await post(env.server.token, 'not-a-session')).status).toBe(404);
    expect((await post(scoped, own.session.id)).status).toBe(200);
  });
});
