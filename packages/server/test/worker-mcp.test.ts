import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagePage, Project, Session, TracePage } from '@boocode/contracts';
import { createLogger, loadServerConfig, startWorker, type RunningWorker } from '@boocode/server';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { CLI_BIN, createTestDatabase, inheritedEnv, makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * `serve --no-worker` with a worker process on the same home: the agents the worker starts are
 * given BooCode's MCP server at the serving process, with a token scoped to their session, and
 * an agent's call of a BooCode tool reaches it.
 */

let server: TestServer;
let databaseUrl: string;
let project: Project;
const workers: RunningWorker[] = [];

const script: FakeAcpScript = {
  fallback: {
    steps: [
      { tool: { id: 'mcp-1', title: 'list sessions', kind: 'other', name: 'list_sessions', mcpTool: { name: 'list_sessions' } } },
      { text: 'listed' },
    ],
  },
};

beforeAll(async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-worker-mcp-')));
  const scriptFile = join(dir, 'script.json');
  writeFileSync(scriptFile, JSON.stringify(script));
  const home = homeWithConfig({ agents: { fake: { command: fakeAcpBin, args: ['--script', scriptFile], kind: 'acp' } } });
  databaseUrl = await createTestDatabase();
  server = await startTestServer({ databaseUrl, home, worker: false, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await server?.close();
});

async function worker(mcp: boolean): Promise<RunningWorker> {
  const config = await loadServerConfig({ env: inheritedEnv(), flags: { home: server.home } });
  const w = await startWorker(config, databaseUrl, {
    logger: createLogger({ level: process.env.BOOCODE_TEST_LOG ?? 'silent' }),
    agents: { discovery: { agents: [] } },
    ...(mcp ? { mcp: { url: server.url, command: { command: process.execPath, args: [CLI_BIN, 'mcp'] } } } : {}),
  });
  workers.push(w);
  return w;
}

async function turn(): Promise<{ session: Session; text: string; output: string | null; ok: boolean }> {
  const { session, chat } = await newSession(server, project, { agent: 'fake' });
  const task = await waitTask(server, (await post(server, chat.id, 'which sessions are there?')).id);
  expect(task.status).toBe('completed');
  const reply = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
  const trace = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items[0]!;
  return { session, text: reply.content, output: trace.outcome === 'success' ? trace.tool_output : trace.error, ok: trace.outcome === 'success' };
}

describe('agents of a worker process apart from the server', () => {
  it('fail the BooCode tool call when the worker knows no server to point them at', async () => {
    const w = await worker(false);
    const { ok, output } = await turn();
    expect(ok).toBe(false);
    expect(output).toContain('no MCP server');
    await w.close();
    workers.splice(workers.indexOf(w), 1);
  });

  it('call a BooCode MCP tool at the serving process, scoped to their own session', async () => {
    await worker(true);
    const { session, text, output, ok } = await turn();
    expect(text).toBe('listed');
    expect(ok).toBe(true);
    // The scoped token sees its own session only, though the server has two.
    expect((JSON.parse(output!) as { items: Session[] }).items.map((s) => s.id)).toEqual([session.id]);
  });
});
