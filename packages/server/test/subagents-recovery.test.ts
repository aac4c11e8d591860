import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Chat, MessagePage, PostMessageResponse, Project, Session, SubagentList, Task } from '@boocode/contracts';
import { scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, type ServeProcess, spawnServe, tokenApi, type TokenApi, until } from '@boocode/testkit/server';

let llm: FakeLlm;
const servers: ServeProcess[] = [];
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await llm?.close();
});

const env = () => ({ BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake', BOOCODE_LEASE_MS: '1500' });

describe('a subagent outlives a server crash', () => {
  it('kill -9 while the child runs: after the restart it runs again and its result still reaches the parent', async () => {
    const home = scratchDir('boocode-crash-sub-');
    const first = await spawnServe(['--port', '0', '--home', home], env());
    servers.push(first);
    const token = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).token as string;
    let api = tokenApi(first.url, token);
    const project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
    const chat = (await api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    llm.push(
      { match: { lastUserIncludes: 'spawn a durable child' }, toolCalls: [{ name: 'spawn_subagent', arguments: { prompt: 'durable child work', label: 'durable' } }] },
      { match: { lastUserIncludes: 'spawn a durable child' }, text: 'spawned it' },
      // The child's first attempt is silent until the crash; its retry answers.
      { match: { lastUserIncludes: 'durable child work' }, text: 'too late', chunkDelayMs: 60_000 },
      { match: { lastUserIncludes: 'durable child work' }, text: 'the durable answer' },
      { match: { lastUserIncludes: 'subagent-result' }, text: 'noted the durable answer' },
    );
    const parent = (await api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'spawn a durable child' })).body.task;
    await until(async () => (await api<Task>('GET', `/api/tasks/${parent.id}`)).body.status === 'completed', 'the parent turn');
    const [child] = (await api<SubagentList>('GET', `/api/sessions/${session.id}/subagents`)).body.items;
    expect(child).toBeDefined();
    await until(async () => llm.requests.some((r) => r.lastUserText.includes('durable child work')), 'the child to ask the model');

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await spawnServe(['--port', '0', '--home', home], env());
    servers.push(second);
    api = tokenApi(second.url, token);

    const done = await until(async () => {
      const t = (await api<Task>('GET', `/api/tasks/${child!.id}`)).body;
      return ['completed', 'failed', 'cancelled'].includes(t.status) && t;
    }, 'the child after the restart');
    expect(done.status).toBe('completed');
    expect(done.attempts).toBe(2);
    const followUp = await until(async () => {
      const page = (await api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
      return page.items.find((m) => m.role === 'user' && m.content.includes('<subagent-result'));
    }, 'the follow-up turn');
    expect(followUp.content).toContain('the durable answer');
    await until(async () => (await api<Task>('GET', `/api/tasks/${followUp.task_id}`)).body.status === 'completed', 'the follow-up turn to finish');
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
