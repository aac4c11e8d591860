import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Chat, ChatAgentSessionsResponse, Message, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo, type ServeProcess, spawnServe, tokenApi, type TokenApi, until } from '@boocode/testkit/server';
import { isAlive } from '../src/process/alive.js';
import { homeWithConfig, openCodeHome, type OpenCodeHome } from './agents-env.js';

/**
 * The real opencode, killed with its server mid-turn (kill -9): after the restart BooCode finds
 * opencode's own session again (its resume token) and asks it to go on, in the same message.
 */

let llm: FakeLlm;
let oc: OpenCodeHome;
const children: ServeProcess[] = [];
beforeAll(async () => {
  llm = await startFakeLlm();
  oc = openCodeHome(llm.url);
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await llm?.close();
  oc?.cleanup();
});

async function serve(home: string, databaseUrl: string): Promise<{ proc: ServeProcess; api: TokenApi }> {
  const proc = await spawnServe(['--port', '0', '--home', home], { DATABASE_URL: databaseUrl, BOOCODE_LEASE_MS: '1500' }, 180_000);
  children.push(proc);
  const token = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).token as string;
  return { proc, api: tokenApi(proc.url, token) };
}

const assistants = async (api: TokenApi, chatId: string): Promise<Message[]> =>
  (await api<MessagePage>('GET', `/api/chats/${chatId}/messages`)).body.items.filter((m) => m.role === 'assistant');

describe('an opencode turn outlives its server', () => {
  it('kill -9 mid-answer: opencode resumes its own session and is asked to continue, in one message', { timeout: 420_000 }, async () => {
    const db = await createTestDatabase();
    const home = homeWithConfig({ opencode: { config: oc.config, defaultProvider: 'fake', offline: true, env: oc.env } });
    const first = await serve(home, db);
    const project = (await first.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await first.api<Session>('POST', '/api/sessions', { project_id: project.id, agent: 'opencode', isolated: false })).body;
    const chat = (await first.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    llm.push(
      // The answer streams a little, then the model hangs: the server dies here.
      { match: { hasTools: true, lastUserIncludes: 'durable opencode' }, text: ['Working ', 'on it. ', 'never said'], stallAfter: 3 },
      { match: { hasTools: true, lastUserIncludes: 'BooCode restarted' }, text: 'Picked it up again.' },
    );
    const { task } = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'durable opencode' })).body;
    await until(async () => (await assistants(first.api, chat.id))[0]?.content.includes('on it.'), 'partial answer stored', 180_000);
    const before = (await first.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items;
    expect(before).toHaveLength(1);

    // The opencode server the first BooCode started, from the ledger of agent processes.
    const opencodePids = readdirSync(path.join(home, 'agent-processes')).map((f) => Number(path.basename(f, '.json')));
    expect(opencodePids).toHaveLength(1);

    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    // kill -9 skips BooCode's exit hook: opencode, in its own process group, is still running.
    expect(isAlive(opencodePids[0]!)).toBe(true);
    const second = await serve(home, db);
    // The next BooCode on the home stops it, rather than leaving it running for good.
    await until(async () => !isAlive(opencodePids[0]!), 'the orphaned opencode stopped', 30_000);
    const done = await until(async () => {
      const t = (await second.api<Task>('GET', `/api/tasks/${task.id}`)).body;
      return t.status !== 'running' && t.status !== 'pending' && t;
    }, 'continued turn', 240_000);
    expect(done).toMatchObject({ status: 'completed', error: null });

    const [message, ...others] = await assistants(second.api, chat.id);
    expect(others).toHaveLength(0);
    expect(message!.content).toMatch(/^Working on it\. [\s\S]*Picked it up again\.$/);
    expect(message!.metadata.resumed).toHaveLength(1);
    // The same opencode session, found again after the restart, not a new one.
    const after = (await second.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items;
    expect(after.map((s) => s.resume_token)).toEqual(before.map((s) => s.resume_token));
    // opencode sent the model the continue request with the conversation so far.
    const resumed = llm.requests.find((r) => r.lastUserText.includes('BooCode restarted'));
    expect(JSON.stringify(resumed?.messages)).toContain('durable opencode');
    await second.proc.stop();
  });
});
