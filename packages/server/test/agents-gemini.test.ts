import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentInfo, ChatAgentSessionsResponse, MessagePage, Project, TracePage } from '@boocode/contracts';
import { scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/** gemini-cli starts in seconds, but several at once on a busy machine take much longer. */
const GEMINI_MS = 90_000;

/**
 * The real gemini-cli (`gemini --acp`, a devDependency) through BooCode, offline: its Gemini API
 * calls go to the fake LLM's Gemini front (`GOOGLE_GEMINI_BASE_URL`), with its own HOME.
 */

const AGENT = 'gem';
const TRUSTING = 'gem-trusting';
let llm: FakeLlm;
let server: TestServer;
let project: Project;

const require = createRequire(import.meta.url);
const geminiBin = (): string => {
  const pkg = require.resolve('@google/gemini-cli/package.json');
  const bin = (require(pkg) as { bin: Record<string, string> }).bin.gemini!;
  return path.join(path.dirname(pkg), bin);
};

beforeAll(async () => {
  // gemini-cli also asks the model to route the prompt and to decide who speaks next (requests
  // without tools, JSON answers expected); the scripted turns below offer tools and answer the prompt.
  llm = await startFakeLlm({ fallback: { text: '{"next_speaker":"user","reasoning":"done","complexity_reasoning":"simple","complexity_score":1}' } });
  const env = {
    HOME: scratchDir('boocode-gemini-home-'),
    GEMINI_API_KEY: 'test-key',
    GOOGLE_GEMINI_BASE_URL: llm.geminiUrl,
    GEMINI_CLI_NO_RELAUNCH: 'true',
  };
  const gemini = (extra: Record<string, string>) => ({ command: process.execPath, args: [geminiBin(), '--acp'], kind: 'acp', label: 'Gemini CLI', env: { ...env, ...extra } });
  // gemini-cli trusts no folder by default, and then refuses its privileged modes.
  const home = homeWithConfig({ agents: { [AGENT]: gemini({}), [TRUSTING]: gemini({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }) } });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'hello.txt': 'hi there\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  await llm?.close();
});

describe('gemini-cli over ACP through the server', { timeout: 3 * GEMINI_MS }, () => {
  it('is usable', async () => {
    const agents = (await server.api<{ items: AgentInfo[] }>('GET', '/api/agents')).body.items;
    expect(agents.find((a) => a.name === AGENT)).toMatchObject({ kind: 'acp', available: true, error: null });
  });

  it('a turn with a tool: the text, the traced read with its input, and the usage gemini reports in _meta.quota', async () => {
    const { chat } = await newSession(server, project, { agent: AGENT, isolated: false });
    llm.push(
      {
        match: { hasTools: true, lastUserIncludes: 'read hello' },
        text: 'Reading it. ',
        toolCalls: [{ name: 'read_file', arguments: { file_path: 'hello.txt' } }],
        usage: { prompt_tokens: 1000, completion_tokens: 20, cached_tokens: 400 },
      },
      { match: { hasTools: true }, text: ['The file ', 'says hi there.'], usage: { prompt_tokens: 1100, completion_tokens: 9 } },
    );
    const task = await waitTask(server, (await post(server, chat.id, 'read hello.txt')).id, undefined, GEMINI_MS * 2);
    expect(task).toMatchObject({ status: 'completed', error: null });

    const messages = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items;
    const reply = messages.find((m) => m.role === 'assistant')!;
    expect(reply.content).toContain('The file says hi there.');
    // gemini-cli sends no standard usage: it sums its model calls into `_meta.quota.token_count`.
    expect(reply.usage).toMatchObject({ input_total: 2100, output: 29 });

    // The model saw the file through gemini's own tool, and the trace keeps the tool and its input.
    const toolResult = llm.requests.find((r) => r.messages.some((m) => m.role === 'tool'));
    expect(JSON.stringify(toolResult?.messages)).toContain('hi there');
    const traces = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    const read = traces.find((t) => t.tool_input && JSON.stringify(t.tool_input).includes('hello.txt'));
    expect(read).toBeDefined();
    expect(read!.outcome).toBe('success');

  });

  /** A turn whose model runs a shell command through gemini's own tool. */
  const shellTurn = (marker: string, file: string) =>
    llm.push(
      { match: { hasTools: true, lastUserIncludes: marker }, toolCalls: [{ name: 'run_shell_command', arguments: { command: `echo made > ${file}`, description: 'make a file' } }] },
      { match: { hasTools: true, lastUserIncludes: marker }, text: 'Made it.' },
    );

  it('policy ask: gemini runs in its default mode and asks BooCode before running a command', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT, isolated: false, permission_policy: 'ask' });
    const stream = await openStream(server.url, session.id, { token: server.token });
    shellTurn('policy ask', 'asked.txt');
    const task = await post(server, chat.id, 'policy ask');
    const asked = await stream.waitFor((f) => f.type === 'permission_request', GEMINI_MS);
    const r = await server.api('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' });
    expect(r.status).toBe(200);
    expect(await waitTask(server, task.id, undefined, GEMINI_MS * 2)).toMatchObject({ status: 'completed' });
    expect(await readFile(path.join(project.path, 'asked.txt'), 'utf8')).toBe('made\n');
    const [state] = (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items;
    expect(state?.mode_id).toBe('default');
    stream.close();
  });

  it('policy allow_all in a folder gemini does not trust: it refuses yolo, the user is told, and the policy still answers for it', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT, isolated: false, permission_policy: 'allow_all' });
    const stream = await openStream(server.url, session.id, { token: server.token });
    shellTurn('policy untrusted', 'untrusted.txt');
    const task = await post(server, chat.id, 'policy untrusted');
    expect(await waitTask(server, task.id, undefined, GEMINI_MS * 2)).toMatchObject({ status: 'completed', error: null });
    expect(await readFile(path.join(project.path, 'untrusted.txt'), 'utf8')).toBe('made\n');
    const messages = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items;
    const notices = messages.flatMap((m) => (m.metadata.notices ?? []) as { title: string; description?: string }[]);
    expect(notices.find((n) => n.title.includes('refused its "yolo" mode'))?.description).toContain('untrusted folder');
    const [state] = (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items;
    expect(state?.mode_id).toBe('default');
    stream.close();
  });

  it('policy allow_all where gemini trusts the folder: BooCode switches it to yolo, and the command runs without a question', async () => {
    const { session, chat } = await newSession(server, project, { agent: TRUSTING, isolated: false, permission_policy: 'allow_all' });
    const stream = await openStream(server.url, session.id, { token: server.token });
    shellTurn('policy yolo', 'unasked.txt');
    const task = await post(server, chat.id, 'policy yolo');
    expect(await waitTask(server, task.id, undefined, GEMINI_MS * 2)).toMatchObject({ status: 'completed', error: null });
    expect(await readFile(path.join(project.path, 'unasked.txt'), 'utf8')).toBe('made\n');
    expect(stream.frames.filter((f) => f.type === 'permission_request')).toHaveLength(0);
    const [state] = (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items;
    expect(state?.mode_id).toBe('yolo');
    stream.close();
  });
});
