import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyUsage, type ErrorBody, type Project, type SearchResults, type Session } from '@boocode/contracts';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { appendToMessage, finishMessage, insertAssistantMessage } from '../src/db/messages.js';

/** GET /api/search: full-text search over session names and message text. */

let server: TestServer;
let projectA: Project;
let projectB: Project;
let sessionA: Session;
let sessionB: Session;
let chatA: string;
let chatB: string;

async function sessionIn(project: Project, name: string): Promise<{ session: Session; chat: string }> {
  const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, name })).body;
  const chat = (await server.api<{ items: { id: string }[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!.id;
  return { session, chat };
}

async function message(session: string, chat: string, role: 'user' | 'assistant', content: string): Promise<string> {
  const [row] = await server.ctx.sql<{ id: string }[]>`
    INSERT INTO messages (chat_id, session_id, role, content, status) VALUES (${chat}, ${session}, ${role}, ${content}, 'complete') RETURNING id`;
  return row!.id;
}

const search = (q: string, extra = '') => server.api<SearchResults>('GET', `/api/search?q=${encodeURIComponent(q)}${extra}`);

beforeAll(async () => {
  server = await startTestServer({ worker: false });
  projectA = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
  projectB = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
  ({ session: sessionA, chat: chatA } = await sessionIn(projectA, 'Refactor the billing module'));
  const b = await sessionIn(projectB, 'Docs pass');
  chatB = b.chat;
  sessionB = b.session;
  await message(sessionA.id, chatA, 'user', 'Please rename the invoice helpers and keep the tests green.');
  await message(sessionA.id, chatA, 'assistant', 'I renamed the invoices helper; the tests pass.');
  await message(b.session.id, chatB, 'user', 'Write a section about invoices for the manual.');
});
afterAll(() => server?.close());

describe('GET /api/search', () => {
  it('finds messages by stemmed words, newest first, with the match highlighted and where it lives', async () => {
    const r = await search('invoice');
    expect(r.status).toBe(200);
    const hits = r.body.items;
    expect(hits.map((h) => h.chat_id)).toEqual([chatB, chatA, chatA]);
    const [newest] = hits;
    expect(newest).toMatchObject({ session_name: 'Docs pass', project_id: projectB.id, role: 'user' });
    expect(newest!.message_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(newest!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['invoices']);
    expect(newest!.snippet.map((p) => p.text).join('')).toBe('Write a section about invoices for the manual.');
  });

  it('finds session names, before message hits', async () => {
    const hits = (await search('billing')).body.items;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ session_id: sessionA.id, message_id: null, chat_id: null, role: null });
    expect(hits[0]!.snippet).toContainEqual({ text: 'billing', match: true });
  });

  it('keeps to one project, honours phrases, exclusions and the limit', async () => {
    expect((await search('invoice', `&project_id=${projectA.id}`)).body.items.map((h) => h.project_id)).toEqual([projectA.id, projectA.id]);
    expect((await search('green tests')).body.items).toHaveLength(1);
    expect((await search('"green tests"')).body.items).toEqual([]);
    expect((await search('invoice -manual')).body.items.map((h) => h.chat_id)).toEqual([chatA, chatA]);
    expect((await search('invoice', '&limit=1')).body.items).toHaveLength(1);
    expect((await search('nothingmatchesthis')).body.items).toEqual([]);
  });

  it('does not let message text forge a highlight', async () => {
    await message(sessionA.id, chatA, 'assistant', 'zebra \u0002forged\u0003 stripes');
    const [hit] = (await search('zebra')).body.items;
    expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['zebra']);
    expect(hit!.snippet.map((p) => p.text).join('')).toBe('zebra forged stripes');
  });

  it("finds an old message behind more than the newest few hundred, and a common word's newest hits", async () => {
    const old = await message(sessionA.id, chatA, 'user', 'The walrus migration is pending.');
    await server.ctx.sql`
      INSERT INTO messages (chat_id, session_id, role, content, status)
      SELECT ${chatA}, ${sessionA.id}, 'assistant', 'Filler note ' || g || ' about the flamingo parser.', 'complete' FROM generate_series(1, 400) g`;
    const [walrus] = (await search('walrus')).body.items;
    expect(walrus?.message_id).toBe(old);
    const flamingo = (await search('flamingo', '&limit=5')).body.items;
    expect(flamingo.map((h) => h.snippet.map((p) => p.text).join(''))).toEqual([400, 399, 398, 397, 396].map((g) => `Filler note ${g} about the flamingo parser.`));
  });

  it('refuses an empty, too long or control-character query, or one with no words, naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['', /q: must not be empty/],
      ['   ', /q: must not be empty/],
      ['x'.repeat(201), /q: must be at most 200/],
      ['invoice\u0000', /q: must not contain control characters/],
      ['!!!', /q: has no words/],
      ['the and of', /q: has no words/],
      ['-the', /q: has no words/],
    ];
    for (const [q, message] of cases) {
      const r = await server.api<ErrorBody>('GET', `/api/search?q=${encodeURIComponent(q)}`);
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(r.body.error).toBe('invalid_request');
      expect(r.body.message, JSON.stringify(q)).toMatch(message);
    }
    expect((await server.api<ErrorBody>('GET', '/api/search')).status).toBe(400);
    expect((await server.api<ErrorBody>('GET', '/api/search?q=x&limit=0')).body.message).toMatch(/limit/);
    expect((await server.api<ErrorBody>('GET', '/api/search?q=x&project_id=nope')).status).toBe(400);
  });

  it('answers hostile tsquery syntax with results or a 400, never a server error', async () => {
    const hostile = [
      "'", '"', '""', '"unclosed invoice', 'invoice:*', 'a & b | !c', '!(invoice)', '<->', 'invoice <-> helper',
      '\\', '%', '_', "'; DROP TABLE messages; --", 'or or or', '- - -', '((((', ')))', '🧾 invoice', 'ünïcödé',
      '$1', '${q}', 'invoice\\', "invoice' OR '1'='1", '*', ':', '&&', '||', 'invoice & ', '&invoice',
    ];
    for (const q of hostile) {
      const r = await server.api<ErrorBody | SearchResults>('GET', `/api/search?q=${encodeURIComponent(q)}`);
      expect([200, 400], `${JSON.stringify(q)} → ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
    }
    expect((await search("invoice' OR '1'='1")).status).toBe(200);
    expect((await server.ctx.sql`SELECT count(*)::int AS n FROM messages`)[0]!.n).toBeGreaterThan(0);
  });

  it('finds a streamed message once it has finished, with what was appended, and its text as edited', async () => {
    const id = randomUUID();
    const task = (await server.ctx.sql<{ id: string }[]>`
      INSERT INTO tasks (project_id, session_id, chat_id, agent, input) VALUES (${projectA.id}, ${sessionA.id}, ${chatA}, 'native', '{}'::jsonb) RETURNING id`)[0]!.id;
    await insertAssistantMessage(server.ctx.sql, { id, chatId: chatA, sessionId: sessionA.id, taskId: task, model: null, turn: 1, startedAt: new Date(), metadata: {} });
    await appendToMessage(server.ctx.sql, id, 'The pelican ', '', 1);
    await appendToMessage(server.ctx.sql, id, 'nests by the harbour.', '', 2);
    // Still streaming: its words are not in the index yet.
    expect((await search('pelican')).body.items).toEqual([]);
    await finishMessage(server.ctx.sql, id, {
      content: 'The pelican nests by the harbour.', reasoning: '', status: 'complete', seq: 2, usage: emptyUsage(), usageReported: true, metadata: {},
    });
    const [hit] = (await search('harbour')).body.items;
    expect(hit).toMatchObject({ message_id: id, chat_id: chatA, role: 'assistant' });
    expect(hit!.snippet.map((p) => p.text).join('')).toBe('The pelican nests by the harbour.');
    expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['harbour']);

    await server.ctx.sql`UPDATE messages SET content = 'The heron nests by the harbour.' WHERE id = ${id}`;
    expect((await search('pelican')).body.items).toEqual([]);
    expect((await search('heron')).body.items.map((h) => h.message_id)).toEqual([id]);
  });

  it("keeps to one project also for a word found only behind the newest few hundred messages", async () => {
    const inA = await message(sessionA.id, chatA, 'user', 'The quokka fixture is flaky.');
    const inB = await message(sessionB.id, chatB, 'user', 'A quokka in the docs.');
    await server.ctx.sql`
      INSERT INTO messages (chat_id, session_id, role, content, status)
      SELECT ${chatA}, ${sessionA.id}, 'assistant', 'Padding ' || g, 'complete' FROM generate_series(1, 400) g`;
    expect((await search('quokka')).body.items.map((h) => h.message_id)).toEqual([inB, inA]);
    expect((await search('quokka', `&project_id=${projectA.id}`)).body.items.map((h) => h.message_id)).toEqual([inA]);
    expect((await search('quokka', `&project_id=${projectB.id}`)).body.items.map((h) => h.message_id)).toEqual([inB]);
  });

  it('matches messages on the stored vector through the GIN index of the migration', async () => {
    const plan = await server.ctx.sql.begin(async (tx) => {
      await tx`SET LOCAL enable_seqscan = off`;
      return tx<{ 'QUERY PLAN': string }[]>`
        EXPLAIN SELECT id FROM messages WHERE search @@ websearch_to_tsquery('english', 'invoice')`;
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/messages_search/);
  });
});
