import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { Chat, Message, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { scratchDir, startFakeLlm, type FakeLlm, type RecordedRequest } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo, type ServeProcess, spawnServe, tokenApi, type TokenApi, until } from '@boocode/testkit/server';

/**
 * A native turn that compacted its context while it ran, killed (kill -9) after the compaction:
 * the continued turn replays what the model saw after the compaction (the summary and the steps
 * since), not the history the summary replaced, and asks for no second summary.
 */

const SUMMARY_ASK = 'about to be replaced by your summary';
const SUMMARY = 'SUMMARY BEFORE THE CRASH: the user asked to read both files; one.txt is read.';
/** About 1,600 tokens: two of them and the fixed prefix pass 55 % of an 8,192-token window. */
const chunk = (tag: string) => Array.from({ length: 5 }, (_, i) => `${tag} line ${i}: ` + 'alpha beta gamma delta '.repeat(80)).join('\n') + '\n';

let llm: FakeLlm;
const children: ServeProcess[] = [];
beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'fallback answer' } });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await llm?.close();
});

async function serve(home: string, databaseUrl: string): Promise<{ proc: ServeProcess; api: TokenApi }> {
  const proc = await spawnServe(['--port', '0', '--home', home], {
    BOOCODE_NATIVE_BASE_URL: llm.url,
    BOOCODE_NATIVE_MODEL: 'deepseek-chat',
    DATABASE_URL: databaseUrl,
    // Long enough that a server starved of CPU still renews its own lease; short for the takeover.
    BOOCODE_LEASE_MS: '4000',
  });
  children.push(proc);
  return { proc, api: tokenApi(proc.url, token) };
}

const token = randomBytes(32).toString('hex');
const wire = (r: RecordedRequest): string[] => (r.body as { messages: unknown[] }).messages.map((m) => JSON.stringify(m));

describe('a native turn compacted in its middle outlives its server', () => {
  it('kill -9 after the compaction: the continued turn replays the summary and the steps since, and is not compacted again', { timeout: 240_000 }, async () => {
    const db = await createTestDatabase();
    const sql = postgres(db, { max: 1, onnotice: () => {} });
    try {
      const home = scratchDir('boocode-durable-compaction-');
      writeFileSync(
        path.join(home, 'config.json'),
        JSON.stringify({ token, pg_password: randomBytes(16).toString('hex'), native: { contextWindow: 8192, compactAt: 0.55 } }),
        { mode: 0o600 },
      );
      const first = await serve(home, db);
      const repo = await makeGitRepo({ 'one.txt': chunk('one'), 'two.txt': chunk('two') });
      const project = (await first.api<Project>('POST', '/api/projects', { path: repo })).body;
      const session = (await first.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
      const chat = (await first.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;

      const prompt = 'durable compaction: read both files';
      llm.push(
        { match: { lastUserIncludes: prompt }, toolCalls: [{ id: 'r_one', name: 'read_file', arguments: { path: 'one.txt' } }] },
        { match: { lastUserIncludes: prompt }, text: 'Now the second. ', toolCalls: [{ id: 'r_two', name: 'read_file', arguments: { path: 'two.txt' } }] },
        { match: { lastUserIncludes: SUMMARY_ASK }, text: SUMMARY },
        // The first step after the compaction streams a little, then hangs: the server dies here.
        { match: { lastUserIncludes: SUMMARY }, text: ['Half ', 'way'], stallAfter: 1 },
        { match: { lastUserIncludes: SUMMARY }, text: 'Both read.' },
      );
      const start = llm.requests.length;
      const posted = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: prompt })).body;
      // The journal holds the compaction, and the request after it has begun.
      await until(async () => (await sql`SELECT compaction FROM turn_journals WHERE task_id = ${posted.task.id}`)[0]?.compaction != null, 'compaction journaled', 90_000);
      await until(async () => llm.requests.slice(start).filter((r) => r.lastUserText.includes(SUMMARY)).length === 1, 'request after the compaction', 90_000);
      const [journal] = await sql<{ messages: string; compaction: { summary: string; within_turn: boolean } }[]>`
        SELECT messages, compaction FROM turn_journals WHERE task_id = ${posted.task.id}`;
      expect(journal!.compaction).toMatchObject({ summary: SUMMARY, within_turn: true });
      // The journal starts after the summary: the newest step, not the user's request or the first read.
      expect(journal!.messages).toContain('r_two');
      expect(journal!.messages).not.toContain('r_one');

      first.proc.child.kill('SIGKILL');
      await first.proc.exited;
      const second = await serve(home, db);
      const done = await until(
        async () => {
          const t = (await second.api<Task>('GET', `/api/tasks/${posted.task.id}`)).body;
          return t.status !== 'running' && t.status !== 'pending' && t;
        },
        'continued turn',
        150_000,
      );
      expect(done.status, done.error ?? '').toBe('completed');

      const requests = llm.requests.slice(start);
      expect(requests.filter((r) => r.lastUserText.includes(SUMMARY_ASK))).toHaveLength(1);
      const [cutOff, continued, ...more] = requests.filter((r) => r.lastUserText.includes(SUMMARY));
      expect(more).toHaveLength(0);
      // Exactly what the model saw after the compaction: system prompt, summary, the newest step.
      expect(wire(continued!)).toEqual(wire(cutOff!));
      expect(continued!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
      expect(JSON.stringify(continued!.messages)).not.toContain(prompt);
      expect(continued!.messages.filter((m) => String(m.content).includes(SUMMARY))).toHaveLength(1);

      const messages = (await second.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.filter((m: Message) => m.role === 'assistant');
      expect(messages).toHaveLength(1);
      expect(messages[0]!.content).toBe('Now the second. Both read.');
      expect(messages[0]!.metadata.resumed).toHaveLength(1);
      // The compaction is kept for later turns, made within this turn; the journal is gone.
      expect(await sql`SELECT through_turn, within_turn FROM chat_compactions WHERE chat_id = ${chat.id}`).toEqual([{ through_turn: 1, within_turn: true }]);
      expect(await sql`SELECT 1 FROM turn_journals WHERE task_id = ${posted.task.id}`).toHaveLength(0);

      // The next turn: the summary once, then the continued turn's steps; the first prompt is only in the summary.
      llm.push({ match: { lastUserIncludes: 'and after the restart?' }, text: 'All good.' });
      const next = (await second.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'and after the restart?' })).body;
      await until(async () => (await second.api<Task>('GET', `/api/tasks/${next.task.id}`)).body.status === 'completed', 'next turn', 60_000);
      const nextRequest = llm.requests.at(-1)!;
      expect(nextRequest.lastUserText).toBe('and after the restart?');
      expect(nextRequest.messages.filter((m) => String(m.content).includes(SUMMARY))).toHaveLength(1);
      expect(JSON.stringify(nextRequest.messages)).not.toContain(prompt);
      await second.proc.stop();
    } finally {
      await sql.end();
    }
  });
});
