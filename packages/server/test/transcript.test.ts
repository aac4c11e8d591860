import { describe, expect, it } from 'vitest';
import type { Chat, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import type { RecordedRequest } from '@boocode/testkit';
import { waitTask as waitServerTask, useNativeServer } from './agents-env.js';

const env = useNativeServer();

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(env.server, id, done);

/** The messages of a request as they went over the wire (key order kept by JSON.parse). */
const wireMessages = (r: RecordedRequest): string[] => (r.body as { messages: unknown[] }).messages.map((m) => JSON.stringify(m));

describe('native agent transcript', () => {
  it('replays every earlier turn exactly: each request extends the previous one', async () => {
    const session = (await env.server.api<Session>('POST', '/api/sessions', { project_id: env.project.id })).body;
    const chat = (await env.server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    const first = env.llm.requests.length;
    for (let turn = 1; turn <= 10; turn++) {
      // Arguments with keys out of alphabetical and length order: a store that reorders keys breaks the prefix.
      const call =
        turn % 2 === 0
          ? { id: `call_${turn}`, name: 'write_file', arguments: { content: `v${turn}\n`, path: `f${turn}.txt` } }
          : { id: `call_${turn}`, name: 'read_file', arguments: { path: 'a.txt' } };
      env.llm.push(
        { match: { lastUserIncludes: `step ${turn}` }, toolCalls: [call] },
        { text: [`done `, `${turn}`], reasoning: `thought ${turn}` },
      );
      const r = await env.server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: `step ${turn}` });
      expect((await waitTask(r.body.task.id)).status).toBe('completed');
    }
    const requests = env.llm.requests.slice(first);
    expect(requests).toHaveLength(20);
    for (let i = 1; i < requests.length; i++) {
      const prev = wireMessages(requests[i - 1]!);
      const cur = wireMessages(requests[i]!);
      expect(cur.length, `request ${i}`).toBeGreaterThan(prev.length);
      expect(cur.slice(0, prev.length), `request ${i} begins with request ${i - 1}`).toEqual(prev);
      expect(JSON.stringify(requests[i]!.tools), `request ${i} tools`).toBe(JSON.stringify(requests[i - 1]!.tools));
    }
    // The last request carries every turn's tool calls and their results, not only final texts.
    const last = requests.at(-1)!.messages;
    expect(last.filter((m) => m.role === 'tool')).toHaveLength(10);
    expect(last.flatMap((m) => m.tool_calls ?? []).map((c) => c.id)).toEqual(Array.from({ length: 10 }, (_, i) => `call_${i + 1}`));
  });

  it('falls back to the final text for a turn that failed', async () => {
    const session = (await env.server.api<Session>('POST', '/api/sessions', { project_id: env.project.id })).body;
    const chat = (await env.server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    env.llm.push({ match: { lastUserIncludes: 'broken' }, error: { status: 400, body: { error: { message: 'bad request' } } } });
    const a = await env.server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'broken turn' });
    expect((await waitTask(a.body.task.id)).status).toBe('failed');
    env.llm.push({ match: { lastUserIncludes: 'after' }, text: 'fine' });
    const b = await env.server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'after the failure' });
    expect((await waitTask(b.body.task.id)).status).toBe('completed');
    const req = env.llm.requests.at(-1)!;
    // The failed turn's user message is still there as text, followed by this turn's.
    expect(req.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['broken turn', 'after the failure']);
  });
});
