/**
 * bench/search: 100,000 messages over 200 sessions, then searches through the real route
 * (GET /api/search), for a rare word and a common one. Prints p50/p99 beside a plain ILIKE scan
 * over the same rows, in the same run, as the baseline full-text search replaces.
 *
 * Then the write path the stored search vector changes, against the schema before it (migrations
 * up to 0025: an expression index parsing the text on every write), in the same run and
 * interleaved: messages streamed as a turn writes them (appends, then the final write), each
 * database holding the same 100,000 messages. Last, the time migration 0026 takes over those rows.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { emptyUsage } from '@boocode/contracts';
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { appendToMessage, connect, finishMessage, insertAssistantMessage, migrate, migrationOrder, MIGRATIONS_DIR, type Sql } from '@boocode/server/internals';
import { scratchDir } from '@boocode/testkit';
import { startThrowawayCluster, makeGitRepo } from '@boocode/testkit/server';
import { summarize, table } from '../lib/stats.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const SESSIONS = 200;
const SAMPLES = Number(process.env.SAMPLES ?? 100);
/** Streamed messages per schema, and appends per message (a turn writes at most one per 100 ms). */
const STREAMS = Number(process.env.STREAMS ?? 20);
const APPENDS = Number(process.env.APPENDS ?? 100);
const VECTOR_MIGRATION = '0026_message_search_vector.sql';

const cluster = await startThrowawayCluster();
const config = await loadServerConfig({
  env: { ...process.env, DATABASE_URL: cluster.url, BOOCODE_PORT: '0' },
  flags: { home: scratchDir('bench-search-') },
});
const log = createLogger({ level: 'silent' });
const server = await startServer(config, { logger: log, worker: false });
const { sql } = server.ctx;
const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
const post = async (url: string, body: unknown) => (await (await fetch(server.url + url, { method: 'POST', headers: auth, body: JSON.stringify(body) })).json()) as { id: string };
const project = await post('/api/projects', { path: await makeGitRepo() });
const chats: { session: string; chat: string }[] = [];
for (let i = 0; i < SESSIONS; i++) {
  const session = await post('/api/sessions', { project_id: project.id, name: `bench ${i}` });
  const [chat] = await sql<{ id: string }[]>`SELECT id FROM chats WHERE session_id = ${session.id}`;
  chats.push({ session: session.id, chat: chat!.id });
}

/** Prose of a few hundred characters from a small vocabulary; word N is "rareN" in one message in 5,000. */
async function loadMessages(db: Sql, into: { session: string; chat: string }[]): Promise<void> {
  await db`
    INSERT INTO messages (chat_id, session_id, role, content, status)
    SELECT (${db.array(into.map((c) => c.chat))}::uuid[])[1 + g % ${into.length}], (${db.array(into.map((c) => c.session))}::uuid[])[1 + g % ${into.length}],
           CASE WHEN g % 2 = 0 THEN 'user' ELSE 'assistant' END,
           'I looked at the handler and the tests for module ' || (g % 97) || '; the config loader reads ' ||
           'the file, then the router registers each route. ' || CASE WHEN g % 5000 = 0 THEN 'rare' || (g / 5000) || ' ' ELSE '' END ||
           repeat('We should refactor the parser and keep the error messages readable. ', 3),
           'complete'
    FROM generate_series(0, ${ROWS - 1}) g`;
  await db`ANALYZE messages`;
}

const t0 = performance.now();
await loadMessages(sql, chats);
const loadSecs = (performance.now() - t0) / 1000;

async function timeRoute(q: string): Promise<number> {
  const s = performance.now();
  const res = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}&limit=20`, { headers: auth });
  const body = (await res.json()) as { items: unknown[] };
  if (res.status !== 200 || body.items.length === 0) throw new Error(`bad search for ${q}: ${res.status}`);
  return performance.now() - s;
}
async function timeIlike(word: string): Promise<number> {
  const s = performance.now();
  await sql`SELECT id FROM messages WHERE content ILIKE ${`%${word}%`} ORDER BY pos DESC LIMIT 20`;
  return performance.now() - s;
}

const rare = () => `rare${Math.floor(Math.random() * (ROWS / 5000))}`;
const runs = { ftsRare: [] as number[], ilikeRare: [] as number[], ftsCommon: [] as number[], ilikeCommon: [] as number[] };
for (let i = 0; i < 10; i++) await timeRoute(rare());
for (let i = 0; i < SAMPLES; i++) {
  const word = rare();
  runs.ftsRare.push(await timeRoute(word));
  runs.ilikeRare.push(await timeIlike(word));
  runs.ftsCommon.push(await timeRoute('parser'));
  runs.ilikeCommon.push(await timeIlike('parser'));
}
const [f, l, fc, lc] = [runs.ftsRare, runs.ilikeRare, runs.ftsCommon, runs.ilikeCommon].map(summarize);
console.log(`bench/search: ${ROWS} messages in ${SESSIONS} sessions, loaded and indexed in ${loadSecs.toFixed(1)} s; ${SAMPLES} searches each, 20 hits (Node ${process.version})`);
console.log(
  table([
    { word: 'rare (1 in 5,000)', 'full-text p50 ms (HTTP)': f!.p50, 'full-text p99 ms': f!.p99, 'ILIKE p50 ms (SQL only)': l!.p50, 'ILIKE p99 ms': l!.p99, 'ratio p50': f!.p50 / l!.p50 },
    { word: 'common (every message)', 'full-text p50 ms (HTTP)': fc!.p50, 'full-text p99 ms': fc!.p99, 'ILIKE p50 ms (SQL only)': lc!.p50, 'ILIKE p99 ms': lc!.p99, 'ratio p50': fc!.p50 / lc!.p50 },
  ]),
);

// The schema before the stored vector, in a second database of the same cluster.
const beforeDir = scratchDir('bench-search-migrations-');
for (const file of migrationOrder(await readdir(MIGRATIONS_DIR)).filter((f) => f < VECTOR_MIGRATION)) {
  await copyFile(path.join(MIGRATIONS_DIR, file), path.join(beforeDir, file));
}
await sql.unsafe('CREATE DATABASE before_vector');
const beforeUrl = new URL(cluster.url);
beforeUrl.pathname = '/before_vector';
const before = connect(beforeUrl.toString(), { max: 4 });
await migrate(before, log, beforeDir);
const [p] = await before<{ id: string }[]>`INSERT INTO projects (name, path) VALUES ('bench', '/bench') RETURNING id`;
const beforeChats: { session: string; chat: string }[] = [];
for (let i = 0; i < SESSIONS; i++) {
  const [s] = await before<{ id: string }[]>`INSERT INTO sessions (project_id, name) VALUES (${p!.id}, ${`bench ${i}`}) RETURNING id`;
  const [c] = await before<{ id: string }[]>`INSERT INTO chats (session_id, name) VALUES (${s!.id}, 'Chat 1') RETURNING id`;
  beforeChats.push({ session: s!.id, chat: c!.id });
}
await loadMessages(before, beforeChats);

/** One streamed message: its row, APPENDS appends of a sentence, the final write. */
interface Streamed {
  db: Sql;
  id: string;
  text: string;
}
async function startStream(db: Sql, at: { session: string; chat: string; project: string }): Promise<Streamed> {
  const [task] = await db<{ id: string }[]>`
    INSERT INTO tasks (project_id, session_id, chat_id, agent, input) VALUES (${at.project}, ${at.session}, ${at.chat}, 'native', '{}'::jsonb) RETURNING id`;
  const id = randomUUID();
  await insertAssistantMessage(db, { id, chatId: at.chat, sessionId: at.session, taskId: task!.id, model: null, turn: 1, startedAt: new Date(), metadata: {} });
  return { db, id, text: '' };
}
const writes = { appendAfter: [] as number[], appendBefore: [] as number[], finishAfter: [] as number[], finishBefore: [] as number[] };
async function timed(into: number[], fn: () => Promise<unknown>): Promise<void> {
  const s = performance.now();
  await fn();
  into.push(performance.now() - s);
}
for (let i = 0; i < STREAMS; i++) {
  const after = await startStream(sql, { ...chats[i % SESSIONS]!, project: project.id });
  const old = await startStream(before, { ...beforeChats[i % SESSIONS]!, project: p!.id });
  for (let n = 0; n < APPENDS; n++) {
    const delta = `Step ${n}: I read the config loader and changed how the router registers route ${n}. `;
    for (const [m, into] of [[after, writes.appendAfter], [old, writes.appendBefore]] as const) {
      m.text += delta;
      await timed(into, () => appendToMessage(m.db, m.id, delta, '', n));
    }
  }
  for (const [m, into] of [[after, writes.finishAfter], [old, writes.finishBefore]] as const) {
    await timed(into, () =>
      finishMessage(m.db, m.id, { content: m.text, reasoning: '', status: 'complete', seq: APPENDS, usage: emptyUsage(), usageReported: true, metadata: {} }),
    );
  }
}
const [aa, ab, fa, fb] = [writes.appendAfter, writes.appendBefore, writes.finishAfter, writes.finishBefore].map(summarize);
console.log(`\nstreamed message writes: ${STREAMS} messages of ${APPENDS} appends (up to ~${Math.round((APPENDS * 85) / 1000)} KB), interleaved, each database holding ${ROWS} messages`);
console.log(
  table([
    { write: 'append (a turn, every 100 ms)', 'stored vector p50 ms': aa!.p50, 'p99 ms': aa!.p99, 'before (expression index) p50 ms': ab!.p50, 'before p99 ms': ab!.p99, 'ratio p50': aa!.p50 / ab!.p50 },
    { write: 'final write', 'stored vector p50 ms': fa!.p50, 'p99 ms': fa!.p99, 'before (expression index) p50 ms': fb!.p50, 'before p99 ms': fb!.p99, 'ratio p50': fa!.p50 / fb!.p50 },
  ]),
);

const m0 = performance.now();
await copyFile(path.join(MIGRATIONS_DIR, VECTOR_MIGRATION), path.join(beforeDir, VECTOR_MIGRATION));
await migrate(before, log, beforeDir);
console.log(`\nmigration ${VECTOR_MIGRATION} over ${ROWS + STREAMS} messages: ${((performance.now() - m0) / 1000).toFixed(1)} s`);
await before.end();
await server.close();
await cluster.stop();
