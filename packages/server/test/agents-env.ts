import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chat, Message, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { afterAll, beforeAll } from 'vitest';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { AcpBackend, DEFAULT_AGENTS } from '@boocode/agents';
import { fakeAcpBin, openCodeTestHome, scratchDir, startFakeLlm, type FakeAcpScript, type FakeLlm, type FakeLlmOptions, type OpenCodeTestHome } from '@boocode/testkit';

/** Shared by the server-level tests: sessions, messages and waiting for tasks through the API. */

/** An isolated, offline opencode home (see the testkit). */
export type OpenCodeHome = OpenCodeTestHome;
export const openCodeHome = (llmUrl: string): OpenCodeHome => openCodeTestHome(llmUrl, 'boocode-srv-oc-');

/** A BOOCODE_HOME whose config.json already holds `extra` (agents, opencode, ...); removed when the test file ends. */
export function homeWithConfig(extra: Record<string, unknown>): string {
  const home = scratchDir('boocode-home-');
  const secret = () => randomBytes(32).toString('base64url');
  writeFileSync(join(home, 'config.json'), JSON.stringify({ token: secret(), pg_password: secret(), ...extra }, null, 2), { mode: 0o600 });
  return home;
}

/** Server settings that point the native agent at the fake LLM. */
export const nativeEnv = (llm: FakeLlm): Record<string, string> => ({
  BOOCODE_NATIVE_BASE_URL: llm.url,
  BOOCODE_NATIVE_MODEL: 'fake-model',
  BOOCODE_NATIVE_API_KEY: 'k',
});

/** One fake LLM, a server whose native agent uses it, and a project, for the whole test file. */
export function useNativeServer(llmOpts: FakeLlmOptions = {}): { llm: FakeLlm; server: TestServer; project: Project } {
  const env = {} as { llm: FakeLlm; server: TestServer; project: Project };
  beforeAll(async () => {
    env.llm = await startFakeLlm(llmOpts);
    env.server = await startTestServer({ env: nativeEnv(env.llm), writeIntervalMs: 50 });
    env.project = (await env.server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
  });
  afterAll(async () => {
    await env.server?.close();
    await env.llm?.close();
  });
  return env;
}

/** How long opencode may take to answer: starting it takes tens of seconds on a busy machine. */
export const OPENCODE_MS = 90_000;

export interface OpenCodeServerOptions {
  /** More of config.json's `opencode` section (titles, say). */
  opencode?: Record<string, unknown>;
  /** Also point the native agent at the fake LLM. */
  native?: boolean;
}

/**
 * The fake LLM, an isolated offline opencode home on it, a server whose only discovered agent is
 * the real opencode, and a project, for the whole test file.
 */
export function useOpenCodeServer(opts: OpenCodeServerOptions = {}): { llm: FakeLlm; oc: OpenCodeHome; server: TestServer; project: Project } {
  const env = {} as { llm: FakeLlm; oc: OpenCodeHome; server: TestServer; project: Project };
  beforeAll(async () => {
    env.llm = await startFakeLlm();
    env.oc = openCodeHome(env.llm.url);
    const home = homeWithConfig({ opencode: { config: env.oc.config, defaultProvider: 'fake', offline: true, env: env.oc.env, ...opts.opencode } });
    env.server = await startTestServer({
      home,
      ...(opts.native ? { env: nativeEnv(env.llm) } : {}),
      writeIntervalMs: 50,
      agents: { discovery: { agents: DEFAULT_AGENTS.filter((a) => a.name === 'opencode'), env: env.oc.env, timeoutMs: OPENCODE_MS } },
    });
    env.project = (await env.server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'hello.txt': 'hi there\n' }) })).body;
  });
  afterAll(async () => {
    await env.server?.close();
    await env.llm?.close();
    env.oc?.cleanup();
  });
  return env;
}

export const FINISHED = ['completed', 'failed', 'cancelled', 'timed_out'];

/** Polls the task through the API until `done` holds. */
export async function waitTask(server: TestServer, id: string, done = (t: Task) => FINISHED.includes(t.status), timeoutMs = 180_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = (await server.api<Task>('GET', `/api/tasks/${id}`)).body;
    if (done(t)) return t;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${t.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function newSession(server: TestServer, project: Project, body: Record<string, unknown>): Promise<{ session: Session; chat: Chat }> {
  const r = await server.api<Session>('POST', '/api/sessions', { project_id: project.id, ...body });
  if (r.status !== 201) throw new Error(`session not created: ${JSON.stringify(r.body)}`);
  const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${r.body.id}/chats`)).body.items[0]!;
  return { session: r.body, chat };
}

export async function post(server: TestServer, chatId: string, content: string): Promise<Task> {
  const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chatId}/messages`, { content });
  if (r.status !== 201) throw new Error(`message not posted: ${JSON.stringify(r.body)}`);
  return r.body.task;
}

/** Text of the frames of one type for one message, joined. */
export const joined = (frames: Record<string, unknown>[], type: string, messageId: string): string =>
  frames.filter((f) => f.type === type && f.message_id === messageId).map((f) => String(f.text)).join('');

export interface FakeAcpServerOptions {
  /** config.json's `acp` section (cancelGraceMs, silenceMs). */
  acp?: Record<string, unknown>;
  env?: Record<string, string>;
}

/**
 * The fake ACP agent `agent` playing `script` (its files in `env.dir`), a server whose only agent it
 * is, and a project, for the whole test file.
 */
export function useFakeAcpServer(agent: string, script: FakeAcpScript, opts: FakeAcpServerOptions = {}): { dir: string; server: TestServer; project: Project } {
  const env = {} as { dir: string; server: TestServer; project: Project };
  beforeAll(async () => {
    env.dir = scratchDir(`boocode-srv-acp-${agent}-`);
    writeFileSync(join(env.dir, 'script.json'), JSON.stringify({ ...script, stateFile: join(env.dir, 'state.json') }));
    const home = homeWithConfig({ agents: { [agent]: { command: fakeAcpBin, args: ['--script', join(env.dir, 'script.json')], kind: 'acp' } }, acp: opts.acp ?? {} });
    env.server = await startTestServer({ home, env: opts.env ?? {}, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
    env.project = (await env.server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
  });
  afterAll(async () => {
    await env.server?.close();
  });
  return env;
}

/** The ACP backend serving `agent`. */
export async function acpBackend(server: TestServer, agent: string): Promise<AcpBackend> {
  const b = await server.ctx.registry.backendFor(agent);
  if (!(b instanceof AcpBackend)) throw new Error(`${agent} is not served by the ACP backend`);
  return b;
}

/** The pid of the ACP agent process serving a chat, or null when none runs. */
export const acpPid = async (server: TestServer, agent: string, chatId: string): Promise<number | null> =>
  (await acpBackend(server, agent)).processInfo({ chatId, agent })?.pid ?? null;

/** A chat's newest message. */
export const lastMessage = async (server: TestServer, chatId: string): Promise<Message> =>
  (await server.api<MessagePage>('GET', `/api/chats/${chatId}/messages`)).body.items.at(-1)!;
