/**
 * bench/workflow: the workflow engine's own costs, on a real server (embedded Postgres) with an
 * instant agent, in one run:
 * - sandbox start: a fresh isolate running an empty script (p50);
 * - journal write per step: one Postgres journal entry (step row and run usage, one transaction);
 * - a fully cached re-run (resume_from) of a 20-agent run, POST to completed;
 * - 20 agents through the workflow engine (one run, 20 agent() calls) against the same 20 tasks
 *   enqueued directly (20 sessions), each until all 20 are done: the engine's overhead ratio.
 */
import postgres from 'postgres';
import { emptyUsage, type SessionFrame, type WorkflowRun } from '@boocode/contracts';
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { insertUserMessageWithTask, insertWorkflowRun, PgJournal } from '@boocode/server/internals';
import { scratchDir } from '@boocode/testkit';
import { startThrowawayCluster, makeGitRepo } from '@boocode/testkit/server';
import { runWorkflowSource, type StepJournal } from '@boocode/workflows';
import { summarize, table } from '../lib/stats.js';
import { InstantBackend } from '../dispatch/fake-backend.js';

const AGENTS = 20;
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const STARTS = Number(process.env.STARTS ?? 100);
const WRITES = Number(process.env.WRITES ?? 500);

// ---- sandbox start: no database, no agents ----
const nothing: StepJournal = { lookup: async () => undefined, record: async () => {} };
const noAgents = { run: async () => ({ status: 'completed' as const, text: '', usage: emptyUsage(), error: null, ref: null }) };
const empty = "export const meta = { name: 'empty', description: 'd' };\nreturn 1;";
const starts: number[] = [];
for (let i = 0; i < STARTS + 10; i++) {
  const t0 = performance.now();
  const r = await runWorkflowSource(empty, { journal: nothing, executor: noAgents });
  if (r.status !== 'completed') throw new Error(`empty run ${r.status}: ${r.error}`);
  if (i >= 10) starts.push(performance.now() - t0);
}

// ---- a server with an instant agent ----
const cluster = await startThrowawayCluster();
const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
await admin.unsafe('CREATE DATABASE boo_bench');
await admin.end();
const config = await loadServerConfig({
  env: { ...process.env, DATABASE_URL: Object.assign(new URL(cluster.url), { pathname: '/boo_bench' }).toString(), BOOCODE_PORT: '0' },
  flags: { home: scratchDir('bench-workflow-') },
});
const server = await startServer(config, {
  logger: createLogger({ level: 'silent' }),
  agents: { overrides: { instant: new InstantBackend(() => {}) } },
  worker: { concurrency: 8, pollMs: 2_000 },
});
const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
  const res = await fetch(server.url + url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const project = await call<{ id: string }>('POST', '/api/projects', { path: await makeGitRepo() });
const newSession = () => call<{ id: string }>('POST', '/api/sessions', { project_id: project.id, agent: 'instant', isolated: false });

/** The runs of a session as its stream reports them finished (frames, not polling). */
async function finishedRuns(sessionId: string): Promise<(runId: string) => Promise<WorkflowRun>> {
  const done = new Map<string, WorkflowRun>();
  const waiting = new Map<string, (run: WorkflowRun) => void>();
  await server.ctx.broker.subscribe(
    sessionId,
    {
      send: (data: string) => {
        const f = JSON.parse(data) as SessionFrame;
        if (f.type !== 'workflow_run' || !['completed', 'failed', 'cancelled'].includes(f.run.status)) return;
        done.set(f.run.id, f.run);
        waiting.get(f.run.id)?.(f.run);
      },
      drop: () => {
        throw new Error('the bench fell behind its own session stream');
      },
    },
    undefined,
  );
  return (runId) => new Promise((resolve) => (done.has(runId) ? resolve(done.get(runId)!) : waiting.set(runId, resolve)));
}

async function workflowRound(sessionId: string, finished: (runId: string) => Promise<WorkflowRun>, body: Record<string, unknown>): Promise<{ ms: number; run: WorkflowRun }> {
  const t0 = performance.now();
  const run = await call<WorkflowRun>('POST', `/api/sessions/${sessionId}/workflow-runs`, body);
  const done = await finished(run.id);
  if (done.status !== 'completed') throw new Error(`run ${done.status}: ${done.error}`);
  return { ms: performance.now() - t0, run: done };
}

/** Resolves once every task of `ids` has completed (the user stream's task_state frames). */
function tasksDone(ids: Set<string>, completed: Set<string>): Promise<void> {
  return new Promise((resolve) => {
    const check = () => [...ids].every((id) => completed.has(id)) && resolve();
    check();
    onCompleted = check;
  });
}
const completedTasks = new Set<string>();
let onCompleted: () => void = () => {};
await server.ctx.broker.subscribeUser(
  {
    send: (data: string) => {
      const f = JSON.parse(data) as { type: string; task_id?: string; status?: string };
      if (f.type === 'task_state' && f.status === 'completed' && f.task_id) {
        completedTasks.add(f.task_id);
        onCompleted();
      }
    },
    drop: () => {
      throw new Error('the bench fell behind the user stream');
    },
  },
  undefined,
);

const fanOut = `export const meta = { name: 'fan-out', description: 'bench' };
return await parallel(Array.from({ length: ${AGENTS} }, (_, i) => () => agent('task ' + i, { agent: 'instant' })));`;
const direct = await Promise.all(Array.from({ length: AGENTS }, async () => {
  const s = await newSession();
  const chats = await call<{ items: { id: string }[] }>('GET', `/api/sessions/${s.id}/chats`);
  return { sessionId: s.id, chatId: chats.items[0]!.id };
}));

async function directRound(): Promise<number> {
  const t0 = performance.now();
  const queued = await Promise.all(
    direct.map((d, i) =>
      insertUserMessageWithTask(server.ctx.sql, { projectId: project.id, sessionId: d.sessionId, chatId: d.chatId, content: `task ${i}`, images: [], agent: 'instant', model: null }),
    ),
  );
  await tasksDone(new Set(queued.map((q) => q!.task.id)), completedTasks);
  return performance.now() - t0;
}

const wfSession = await newSession();
const wfFinished = await finishedRuns(wfSession.id);
// Warm-up: pools, prepared statements, the first isolate of the server.
await workflowRound(wfSession.id, wfFinished, { script: fanOut });
await directRound();
const engine: number[] = [];
const plain: number[] = [];
const cached: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // Interleaved, so both see the same machine conditions.
  const { ms, run } = await workflowRound(wfSession.id, wfFinished, { script: fanOut });
  engine.push(ms);
  plain.push(await directRound());
  const again = await workflowRound(wfSession.id, wfFinished, { resume_from: run.id });
  if (again.run.agent_counts.cached !== AGENTS) throw new Error(`re-run cached ${again.run.agent_counts.cached} of ${AGENTS}`);
  cached.push(again.ms);
}

// ---- journal writes: one entry per step, as a run records them ----
const session = await newSession();
const row = await insertWorkflowRun(server.ctx.sql, {
  projectId: project.id,
  sessionId: session.id,
  name: 'journal',
  source: 'script',
  script: empty,
  args: undefined,
  budget: null,
  resumeFrom: null,
});
const journal = new PgJournal(server.ctx.sql, row!.id, null, false);
const writes: number[] = [];
for (let i = 0; i < WRITES; i++) {
  const t0 = performance.now();
  await journal.record({
    position: i,
    key: i.toString(16).padStart(64, '0'),
    seq: i,
    status: 'completed',
    result: { answer: `result ${i}`, items: [1, 2, 3] },
    usage: { ...emptyUsage(), output: 10 },
    error: null,
    label: `agent ${i}`,
    phase: 'Bench',
    ref: null,
  });
  writes.push(performance.now() - t0);
}

const s = summarize(starts);
const w = summarize(writes);
const c = summarize(cached);
const e = summarize(engine);
const d = summarize(plain);
console.log(`bench/workflow (Node ${process.version}; ${ROUNDS} rounds, ${AGENTS} agents, instant agent, worker concurrency 8)`);
console.log(
  table([
    { figure: 'sandbox start (empty script, fresh isolate)', 'p50 ms': s.p50, 'p90 ms': s.p90, 'mean ms': s.mean, n: s.n },
    { figure: 'journal write per step (Postgres, one transaction)', 'p50 ms': w.p50, 'p90 ms': w.p90, 'mean ms': w.mean, n: w.n },
    { figure: `fully cached re-run of ${AGENTS} agents (POST → completed)`, 'p50 ms': c.p50, 'p90 ms': c.p90, 'mean ms': c.mean, n: c.n },
    { figure: `${AGENTS} agents through the workflow engine (POST → completed)`, 'p50 ms': e.p50, 'p90 ms': e.p90, 'mean ms': e.mean, n: e.n },
    { figure: `the same ${AGENTS} tasks enqueued directly (insert → all completed)`, 'p50 ms': d.p50, 'p90 ms': d.p90, 'mean ms': d.mean, n: d.n },
  ]),
);
console.log(`overhead of the workflow engine: p50 ${(e.p50 / d.p50).toFixed(2)}x, mean ${(e.mean / d.mean).toFixed(2)}x the direct tasks`);
console.log('  (a direct task takes its session\'s diff after its turn; a run\'s agents do not, the run takes one diff at its end)');
console.log(`cached re-run vs live run of the same ${AGENTS} agents: p50 ${(c.p50 / e.p50).toFixed(2)}x`);
await server.close();
await cluster.stop();
