/**
 * bench/traces: 1,000,000 tool-trace rows, then pages of 50 fetched by cursor deep in the table
 * through the real route (GET /api/chats/:id/traces), with and without a turn filter.
 * Prints p50/p99 per page, and an OFFSET query over the same rows as the baseline it replaces.
 */
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { scratchDir } from '@boocode/testkit';
import { startThrowawayCluster, makeGitRepo } from '@boocode/testkit/server';
import { summarize, table } from '../lib/stats.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const TURNS = 2_000;
const SAMPLES = Number(process.env.SAMPLES ?? 300);

const cluster = await startThrowawayCluster();
const config = await loadServerConfig({
  env: { ...process.env, DATABASE_URL: cluster.url, BOOCODE_PORT: '0' },
  flags: { home: scratchDir('bench-traces-') },
});
const server = await startServer(config, {
  logger: createLogger({ level: 'silent' }),
  worker: false,
});
const { sql } = server.ctx;
const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
const post = async (url: string, body: unknown) => (await (await fetch(server.url + url, { method: 'POST', headers: auth, body: JSON.stringify(body) })).json()) as { id: string };
const project = await post('/api/projects', { path: await makeGitRepo() });
const session = await post('/api/sessions', { project_id: project.id });
const chat = await post(`/api/sessions/${session.id}/chats`, { name: 'bench' });

const t0 = performance.now();
// Rows arrive the way the runner writes them: turn by turn, in start order.
await sql`
  INSERT INTO tool_traces (session_id, chat_id, turn_number, tool_call_id, tool_name, tool_input, tool_output, started_at, finished_at, latency_ms, outcome)
  SELECT ${session.id}, ${chat.id}, 1 + (g * ${TURNS}) / ${ROWS}, 'call_' || g, 'read_file', jsonb_build_object('path', 'src/file' || (g % 500) || '.ts'),
         repeat('x', 200), now() + g * interval '1 ms', now() + g * interval '1 ms' + interval '20 ms', 20, 'success'
  FROM generate_series(0, ${ROWS - 1}) g`;
await sql`ANALYZE tool_traces`;
const loadSecs = (performance.now() - t0) / 1000;

const [range] = await sql<{ min: string; max: string }[]>`SELECT min(pos)::text AS min, max(pos)::text AS max FROM tool_traces`;
const lo = Number(range!.min);
const hi = Number(range!.max);

async function time(url: string): Promise<number> {
  const s = performance.now();
  const res = await fetch(server.url + url, { headers: auth });
  const body = (await res.json()) as { items: unknown[] };
  if (res.status !== 200 || body.items.length === 0) throw new Error(`bad page: ${res.status}`);
  return performance.now() - s;
}

const deep = () => lo + Math.floor(ROWS * (0.5 + Math.random() * 0.45));
const cursorPages: number[] = [];
const turnPages: number[] = [];
const offsetPages: number[] = [];
for (let i = 0; i < 20; i++) await time(`/api/chats/${chat.id}/traces?limit=50&cursor=${deep()}`);
for (let i = 0; i < SAMPLES; i++) {
  cursorPages.push(await time(`/api/chats/${chat.id}/traces?limit=50&cursor=${deep()}`));
  const turn = 1 + Math.floor(TURNS * (0.5 + Math.random() * 0.45));
  turnPages.push(await time(`/api/chats/${chat.id}/traces?limit=50&turn=${turn}`));
  // Baseline: what an OFFSET pager costs at the same depth.
  const s = performance.now();
  await sql`SELECT * FROM tool_traces WHERE chat_id = ${chat.id} ORDER BY pos OFFSET ${deep() - lo} LIMIT 50`;
  offsetPages.push(performance.now() - s);
}
const c = summarize(cursorPages);
const t = summarize(turnPages);
const o = summarize(offsetPages);
console.log(`bench/traces: ${ROWS} rows in one chat (${TURNS} turns), loaded in ${loadSecs.toFixed(1)} s; pages of 50 at 50-95% depth; pos range ${lo}-${hi} (Node ${process.version})`);
console.log(
  table([
    { query: 'HTTP page by cursor', 'p50 ms': c.p50, 'p99 ms': c.p99 },
    { query: 'HTTP page by turn filter', 'p50 ms': t.p50, 'p99 ms': t.p99 },
    { query: 'SQL OFFSET page (baseline, no HTTP)', 'p50 ms': o.p50, 'p99 ms': o.p99 },
  ]),
);
console.log(`ratio cursor/OFFSET: p50 ${(c.p50 / o.p50).toFixed(3)}x`);
await server.close();
await cluster.stop();
