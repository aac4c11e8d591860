/**
 * bench/search: 100,000 messages over 200 sessions, then searches through the real route
 * (GET /api/search), for a rare word and a common one. Prints p50/p99, and a plain ILIKE scan
 * over the same rows, in the same run, as the baseline full-text search replaces.
 */
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { scratchDir } from '@boocode/testkit';
import { startThrowawayCluster, makeGitRepo } from '@boocode/testkit/server';
import { summarize, table } from '../lib/stats.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const SESSIONS = 200;
const SAMPLES = Number(process.env.SAMPLES ?? 100);

const cluster = await startThrowawayCluster();
const config = await loadServerConfig({
  env: { ...process.env, DATABASE_URL: cluster.url, BOOCODE_PORT: '0' },
  flags: { home: scratchDir('bench-search-') },
});
const server = await startServer(config, { logger: createLogger({ level: 'silent' }), worker: false });
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

const t0 = performance.now();
// Prose of a few hundred characters from a small vocabulary; word N is "rareN" in one message in 5,000.
await sql`
  INSERT INTO messages (chat_id, session_id, role, content, status)
  SELECT (${sql.array(chats.map((c) => c.chat))}::uuid[])[1 + g % ${SESSIONS}], (${sql.array(chats.map((c) => c.session))}::uuid[])[1 + g % ${SESSIONS}],
         CASE WHEN g % 2 = 0 THEN 'user' ELSE 'assistant' END,
         'I looked at the handler and the tests for module ' || (g % 97) || '; the config loader reads ' ||
         'the file, then the router registers each route. ' || CASE WHEN g % 5000 = 0 THEN 'rare' || (g / 5000) || ' ' ELSE '' END ||
         repeat('We should refactor the parser and keep the error messages readable. ', 3),
         'complete'
  FROM generate_series(0, ${ROWS - 1}) g`;
await sql`ANALYZE messages`;
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
    { query: 'HTTP full-text, rare word (1 in 5,000)', 'p50 ms': f!.p50, 'p99 ms': f!.p99 },
    { query: 'SQL ILIKE scan, same word (baseline, no HTTP)', 'p50 ms': l!.p50, 'p99 ms': l!.p99 },
    { query: 'HTTP full-text, word in every message', 'p50 ms': fc!.p50, 'p99 ms': fc!.p99 },
    { query: 'SQL ILIKE scan, same word (baseline, no HTTP)', 'p50 ms': lc!.p50, 'p99 ms': lc!.p99 },
  ]),
);
console.log(`ratio full-text/ILIKE p50: rare word ${(f!.p50 / l!.p50).toFixed(3)}x, common word ${(fc!.p50 / lc!.p50).toFixed(3)}x`);
await server.close();
await cluster.stop();
