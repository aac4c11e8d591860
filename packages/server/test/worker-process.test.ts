import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, MessagePage, PostMessageResponse, Project, Session } from '@boocode/contracts';
import { createLogger, loadServerConfig, startWorker, type RunningWorker } from '@boocode/server';
import { removeScratch, scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { createTestDatabase, inheritedEnv, makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';

/**
 * A server with no worker and a worker started apart (`startWorker`), on one database: the
 * worker's message writes are coalesced over a minute here, so only the write-through asked by
 * the server before a snapshot can put the streamed text in the database in time.
 */

const WORDS = Array.from({ length: 400 }, (_, i) => `w${i} `);
let llm: FakeLlm;
let server: TestServer;
let worker: RunningWorker;
let workerHome: string;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: WORDS, chunkDelayMs: 5 } });
  const databaseUrl = await createTestDatabase();
  server = await startTestServer({ databaseUrl, worker: false });
  workerHome = scratchDir('boocode-worker-');
  const config = await loadServerConfig({
    env: { ...inheritedEnv(), BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' },
    flags: { home: workerHome },
  });
  worker = await startWorker(config, databaseUrl, { logger: createLogger({ level: process.env.BOOCODE_TEST_LOG ?? 'silent' }), writeIntervalMs: 60_000 });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
});

afterAll(async () => {
  await worker?.close();
  await server?.close();
  await llm?.close();
  if (workerHome) removeScratch(workerHome);
});

describe('a worker process apart from the server', () => {
  it('uses the Postgres bus on the server, which has no worker', () => {
    expect(server.bus).toBe('postgres');
    expect(server.worker).toBeNull();
  });

  it('a client opening mid-turn on the server rebuilds the exact text: the worker writes through before the snapshot', async () => {
    const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    const follower = await openStream(server.url, session.id, { token: server.token });
    await follower.waitFor((f) => f.type === 'agent_snapshot');
    const posted = (await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'talk' })).body;
    // Mid-turn: some deltas streamed, none written by the worker's own (one-minute) coalescing.
    await follower.waitFor((f) => f.type === 'message_delta' && f.text === WORDS[20]);
    const late = await openStream(server.url, session.id, { token: server.token });
    await late.waitFor((f) => f.type === 'agent_snapshot');
    const stored = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(stored.metadata.worker).toBe(worker.id);
    expect(stored.content.length).toBeGreaterThan(0);
    await late.waitFor((f) => f.type === 'task_state' && f.task_id === posted.task.id && f.status === 'completed', 30_000);
    const after = late.frames.filter((f) => f.type === 'message_delta' && (f.seq as number) > (stored.content_seq ?? 0));
    expect(stored.content + after.map((f) => f.text).join('')).toBe(WORDS.join(''));
    late.close();
    follower.close();
  });
});
