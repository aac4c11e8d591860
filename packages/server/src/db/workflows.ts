import type {
  Usage,
  WorkflowAgentStatus,
  WorkflowAgentWorktree,
  WorkflowJournalEntry,
  WorkflowRun,
  WorkflowRunAgent,
  WorkflowRunState,
} from '@boocode/contracts';
import type { Sql } from './connection.js';
import { jsonb, type TaskInputColumn } from './json.js';
import { iso, isoOrNull, usageOf, type UsageColumns } from './rows.js';

/** Wakes the workers when a run is queued (trigger on insert, see 0007_workflows.sql). */
export const WORKFLOW_RUNS_CHANNEL = 'boocode_workflow_runs';
/** Carries the id of a run whose cancel was asked for, to the worker running it. */
export const WORKFLOW_CANCEL_CHANNEL = 'boocode_workflow_cancel';
/** Carries the id of an agent() call's task that just ended (trigger on tasks). */
export const WORKFLOW_TASKS_CHANNEL = 'boocode_workflow_tasks';

export interface WorkflowRunRow extends UsageColumns {
  id: string;
  project_id: string;
  session_id: string;
  name: string;
  source: WorkflowRun['source'];
  script: string;
  /** The JSON text of args (SQL NULL: launched without args), read as text to keep null apart. */
  args_text: string | null;
  budget: number | null;
  resume_from: string | null;
  status: WorkflowRunState;
  result_text: string | null;
  error: string | null;
  phase: string | null;
  cancel_requested: boolean;
  attempts: number;
  agent_limit: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  agents_total: number;
  agents_running: number;
  agents_cached: number;
}

const parseJson = (text: string | null): { value?: unknown } => (text === null ? {} : { value: JSON.parse(text) as unknown });

export function toWorkflowRun(r: WorkflowRunRow): WorkflowRun {
  const args = parseJson(r.args_text);
  const result = parseJson(r.result_text);
  return {
    id: r.id,
    session_id: r.session_id,
    project_id: r.project_id,
    name: r.name,
    source: r.source,
    ...('value' in args ? { args: args.value } : {}),
    budget: r.budget,
    resume_from: r.resume_from,
    status: r.status,
    ...('value' in result ? { result: result.value } : {}),
    error: r.error,
    phase: r.phase,
    usage: usageOf(r),
    agent_counts: { total: r.agents_total, running: r.agents_running, cached: r.agents_cached },
    agent_limit: r.agent_limit,
    cancel_requested: r.cancel_requested,
    created_at: iso(r.created_at),
    started_at: isoOrNull(r.started_at),
    finished_at: isoOrNull(r.finished_at),
  };
}

/** A run's columns as WorkflowRunRow reads them: JSON kept as text, counts and usage from its steps (stepTotals). */
function runColumns(sql: Sql) {
  return sql`
    r.id, r.project_id, r.session_id, r.name, r.source, r.script, r.args::text AS args_text, r.budget, r.resume_from,
    r.status, r.result::text AS result_text, r.error, r.phase, r.cancel_requested, r.attempts, r.agent_limit,
    r.created_at, r.started_at, r.finished_at, s.*`;
}

/** What a run's steps add up to: its agent counts, and the usage of the agents it ran itself. */
function stepTotals(sql: Sql) {
  return sql`
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS agents_total,
        (count(*) FILTER (WHERE status = 'running'))::int AS agents_running,
        (count(*) FILTER (WHERE cached))::int AS agents_cached,
        (COALESCE(sum(input_tokens) FILTER (WHERE NOT cached), 0))::int AS input_tokens,
        (COALESCE(sum(no_cache_tokens) FILTER (WHERE NOT cached), 0))::int AS no_cache_tokens,
        (COALESCE(sum(cache_read_tokens) FILTER (WHERE NOT cached), 0))::int AS cache_read_tokens,
        (COALESCE(sum(cache_write_tokens) FILTER (WHERE NOT cached), 0))::int AS cache_write_tokens,
        (COALESCE(sum(output_tokens) FILTER (WHERE NOT cached), 0))::int AS output_tokens,
        (COALESCE(sum(reasoning_tokens) FILTER (WHERE NOT cached), 0))::int AS reasoning_tokens
      FROM workflow_steps WHERE run_id = r.id) s ON true`;
}

const jsonText = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export interface NewWorkflowRun {
  projectId: string;
  sessionId: string;
  name: string;
  source: WorkflowRun['source'];
  script: string;
  args: unknown;
  budget: number | null;
  resumeFrom: string | null;
}

/** Queues a run; null when the session is no longer open (the row is locked against an archive). */
export async function insertWorkflowRun(sql: Sql, run: NewWorkflowRun): Promise<WorkflowRunRow | null> {
  return sql.begin(async (tx) => {
    const [open] = await tx<{ status: string }[]>`SELECT status FROM sessions WHERE id = ${run.sessionId} FOR SHARE`;
    if (open?.status !== 'open') return null;
    // As inserted (a worker may take it the moment this commits): no steps, no usage yet.
    const [row] = await tx<WorkflowRunRow[]>`
      INSERT INTO workflow_runs (project_id, session_id, name, source, script, args, budget, resume_from)
      VALUES (${run.projectId}, ${run.sessionId}, ${run.name}, ${run.source}, ${run.script}, ${jsonText(run.args)}::text::jsonb,
              ${run.budget}, ${run.resumeFrom})
      RETURNING id, project_id, session_id, name, source, script, args::text AS args_text, budget, resume_from, status,
        result::text AS result_text, error, phase, cancel_requested, attempts, agent_limit, created_at, started_at, finished_at,
        0 AS agents_total, 0 AS agents_running, 0 AS agents_cached, 0 AS input_tokens, 0 AS no_cache_tokens,
        0 AS cache_read_tokens, 0 AS cache_write_tokens, 0 AS output_tokens, 0 AS reasoning_tokens`;
    return row!;
  });
}

export async function getWorkflowRun(sql: Sql, id: string): Promise<WorkflowRunRow | null> {
  const rows = await sql<WorkflowRunRow[]>`SELECT ${runColumns(sql)} FROM workflow_runs r ${stepTotals(sql)} WHERE r.id = ${id}`;
  return rows[0] ?? null;
}

export async function listWorkflowRuns(sql: Sql, sessionId: string): Promise<WorkflowRunRow[]> {
  return sql<WorkflowRunRow[]>`
    SELECT ${runColumns(sql)} FROM workflow_runs r ${stepTotals(sql)} WHERE r.session_id = ${sessionId} ORDER BY r.created_at DESC, r.id`;
}

/**
 * Takes the oldest run that needs a worker: queued, or running on a worker whose lease expired
 * (it died). SKIP LOCKED lets several workers claim at once.
 */
export async function claimWorkflowRun(sql: Sql, workerId: string, leaseMs: number, agentLimit: number): Promise<WorkflowRunRow | null> {
  const rows = await sql<{ id: string }[]>`
    UPDATE workflow_runs SET
      status = 'running', lease_owner = ${workerId}, agent_limit = ${agentLimit},
      lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', heartbeat_at = now(),
      attempts = attempts + 1, started_at = COALESCE(started_at, now()), updated_at = now()
    WHERE id = (
      SELECT id FROM workflow_runs
      WHERE status = 'pending' OR (status = 'running' AND lease_expires_at < now())
      ORDER BY created_at, id
      FOR UPDATE SKIP LOCKED
      LIMIT 1)
    RETURNING id`;
  return rows[0] ? getWorkflowRun(sql, rows[0].id) : null;
}

/** Renews the lease; `held: false` means another worker has the run now (or it ended). */
export async function renewWorkflowRunLease(sql: Sql, id: string, workerId: string, leaseMs: number): Promise<{ held: boolean; cancel: boolean }> {
  const rows = await sql<{ cancel_requested: boolean }[]>`
    UPDATE workflow_runs SET lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', heartbeat_at = now()
    WHERE id = ${id} AND lease_owner = ${workerId} AND status = 'running'
    RETURNING cancel_requested`;
  return { held: rows.length > 0, cancel: rows[0]?.cancel_requested ?? false };
}

/** Hands a run back (this worker is shutting down): the next worker continues it at once. */
export async function releaseWorkflowRun(sql: Sql, id: string, workerId: string): Promise<void> {
  await sql`
    UPDATE workflow_runs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = ${id} AND lease_owner = ${workerId} AND status = 'running'`;
  await sql`SELECT pg_notify(${WORKFLOW_RUNS_CHANNEL}, ${id})`;
}

/**
 * Writes how a run ended, while this worker still holds it; its usage is that of the agents it
 * ran itself (not the cached ones). Null when the run was no longer this worker's.
 */
export async function finishWorkflowRun(
  sql: Sql,
  id: string,
  workerId: string,
  end: { status: 'completed' | 'failed' | 'cancelled'; result: unknown; error: string | null },
): Promise<WorkflowRunRow | null> {
  const rows = await sql<{ id: string }[]>`
    UPDATE workflow_runs SET status = ${end.status}, result = ${jsonText(end.result)}::text::jsonb, error = ${end.error},
      lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
    WHERE id = ${id} AND lease_owner = ${workerId} AND status = 'running'
    RETURNING id`;
  return rows[0] ? getWorkflowRun(sql, id) : null;
}

/**
 * Cancels a queued run at once; for a running one, asks its worker (NOTIFY, and the flag its
 * heartbeat reads). A finished run is returned as it is. Null for an unknown id.
 */
export async function requestWorkflowRunCancel(sql: Sql, id: string): Promise<WorkflowRunRow | null> {
  const rows = await sql<{ id: string; status: WorkflowRunState }[]>`
    UPDATE workflow_runs SET
      status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
      error = CASE WHEN status = 'pending' THEN 'cancelled while waiting for a worker' ELSE error END,
      finished_at = CASE WHEN status = 'pending' THEN now() ELSE finished_at END,
      cancel_requested = cancel_requested OR status IN ('pending', 'running'),
      updated_at = now()
    WHERE id = ${id}
    RETURNING id, status`;
  if (!rows[0]) return null;
  if (rows[0].status === 'running') await sql`SELECT pg_notify(${WORKFLOW_CANCEL_CHANNEL}, ${id})`;
  return getWorkflowRun(sql, id);
}

/** Cancels every unfinished run of a session (it is being archived); returns them as they now are. */
export async function cancelSessionWorkflowRuns(sql: Sql, sessionId: string): Promise<WorkflowRunRow[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM workflow_runs WHERE session_id = ${sessionId} AND status IN ('pending', 'running') ORDER BY created_at`;
  const out: WorkflowRunRow[] = [];
  for (const r of rows) {
    const run = await requestWorkflowRunCancel(sql, r.id);
    if (run) out.push(run);
  }
  return out;
}

export async function setWorkflowRunPhase(sql: Sql, id: string, phase: string): Promise<void> {
  await sql`UPDATE workflow_runs SET phase = ${phase}, updated_at = now() WHERE id = ${id}`;
}

// ---- steps: the journal ----

interface StepRow extends UsageColumns {
  run_id: string;
  position: number;
  key: string;
  seq: number | null;
  status: WorkflowRunAgent['status'];
  cached: boolean;
  attempts: number;
  task_id: string | null;
  label: string | null;
  phase: string | null;
  prompt: string;
  result: unknown;
  error: string | null;
  ref: string | null;
  worktree: StepWorktree | null;
  started_at: Date;
  finished_at: Date | null;
}

/** An isolated agent's worktree while it exists; `kept` once it outlived the agent (with its diff). */
export interface StepWorktree {
  /** Its directory name under the project's worktrees, which the sweep must leave alone. */
  id: string;
  path: string;
  branch: string;
  base_commit: string;
  kept?: Omit<WorkflowAgentWorktree, 'path' | 'branch' | 'base_commit'>;
}

/** A step with what the run view shows of its task. */
interface StepTaskRow extends StepRow {
  cost: number | null;
  chat_id: string | null;
  agent: string | null;
  model: string | null;
  task_status: WorkflowRunAgent['task_status'];
}

const toAgent = (r: StepTaskRow): WorkflowRunAgent => ({
  position: r.position,
  label: r.label,
  phase: r.phase,
  status: r.status,
  cached: r.cached,
  task_id: r.task_id,
  attempts: r.attempts,
  chat_id: r.chat_id,
  agent: r.agent,
  model: r.model,
  task_status: r.task_status,
  prompt: r.prompt,
  usage: usageOf(r),
  cost: r.cost,
  result: r.seq === null ? null : r.result,
  error: r.error,
  worktree: r.worktree?.kept ? { path: r.worktree.path, branch: r.worktree.branch, base_commit: r.worktree.base_commit, ...r.worktree.kept } : null,
  started_at: iso(r.started_at),
  finished_at: isoOrNull(r.finished_at),
});

export async function listWorkflowSteps(sql: Sql, runId: string): Promise<WorkflowRunAgent[]> {
  return (
    await sql<StepTaskRow[]>`
      SELECT s.*, t.chat_id, t.agent, t.model, t.status AS task_status, c.cost
      FROM workflow_steps s LEFT JOIN tasks t ON t.id = s.task_id
      -- What its turns cost, every attempt of this run's call (a cached step ran none here).
      LEFT JOIN LATERAL (
        SELECT sum(u.cost) AS cost FROM turn_usage u JOIN tasks ct ON ct.id = u.task_id
        WHERE ct.workflow_run_id = s.run_id AND ct.workflow_position = s.position) c ON true
      WHERE s.run_id = ${runId} ORDER BY s.position`
  ).map(toAgent);
}

/** A recorded step (seq set) with what the journal keeps of it, and the task that ran it. */
export interface RecordedStep {
  entry: WorkflowJournalEntry;
  prompt: string;
  taskId: string | null;
  attempts: number;
  cached: boolean;
}

/** The recorded entry at `position` of a run, whatever its key (the caller compares). */
export async function recordedStep(sql: Sql, runId: string, position: number): Promise<RecordedStep | undefined> {
  const [r] = await sql<StepRow[]>`
    SELECT * FROM workflow_steps WHERE run_id = ${runId} AND position = ${position} AND seq IS NOT NULL`;
  if (!r) return undefined;
  return {
    entry: {
      position: r.position,
      key: r.key,
      seq: r.seq!,
      status: r.status as WorkflowAgentStatus,
      result: r.result,
      usage: usageOf(r),
      error: r.error,
      label: r.label,
      phase: r.phase,
      ref: r.ref,
    },
    prompt: r.prompt,
    taskId: r.task_id,
    attempts: r.attempts,
    cached: r.cached,
  };
}

export interface StartedStep {
  runId: string;
  position: number;
  key: string;
  label: string | null;
  phase: string | null;
  prompt: string;
  /** The call's task when it already has one (found after a takeover); set by insertCallTask otherwise. */
  taskId: string | null;
  attempt: number;
}

/**
 * An agent() call's task was queued (or found again after a takeover): the step reads `running`.
 * A step recorded under another key (the script changed since a crash) is replaced.
 */
export async function startWorkflowStep(sql: Sql, s: StartedStep): Promise<void> {
  await sql`
    INSERT INTO workflow_steps (run_id, position, key, status, attempts, task_id, label, phase, prompt)
    VALUES (${s.runId}, ${s.position}, ${s.key}, 'running', ${s.attempt}, ${s.taskId}, ${s.label}, ${s.phase}, ${s.prompt})
    ON CONFLICT (run_id, position) DO UPDATE SET
      key = EXCLUDED.key, status = 'running', seq = NULL, cached = false, attempts = EXCLUDED.attempts,
      task_id = EXCLUDED.task_id, label = EXCLUDED.label, phase = EXCLUDED.phase, prompt = EXCLUDED.prompt,
      result = NULL, error = NULL, finished_at = NULL`;
}

export interface RecordedEntry {
  runId: string;
  entry: WorkflowJournalEntry;
  prompt: string;
  /** The result came from the journal of the run resumed from, not from an agent of this run. */
  cached: boolean;
  /** For a cached entry: the task and attempts of the step it came from. */
  from?: { taskId: string | null; attempts: number };
}

/**
 * Journals a step: its result and its journal entry are one row, written by one statement.
 * Recording a position again (a result handed back again after a takeover) keeps what the step
 * itself ran: its task, attempts and whether it was cached.
 */
export async function recordWorkflowStep(sql: Sql, r: RecordedEntry): Promise<void> {
  const e = r.entry;
  // A cached step keeps the usage of the agent that produced it (the budget counts it again on
  // a re-run); the run's own usage leaves cached steps out.
  const u = e.usage;
  await sql`
    INSERT INTO workflow_steps (run_id, position, key, seq, status, cached, attempts, task_id, label, phase, prompt,
      result, error, ref, input_tokens, no_cache_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      finished_at)
    VALUES (${r.runId}, ${e.position}, ${e.key}, ${e.seq}, ${e.status}, ${r.cached}, ${r.from?.attempts ?? 0},
      ${r.from?.taskId ?? null}, ${e.label}, ${e.phase}, ${r.prompt}, ${jsonText(e.result)}::text::jsonb, ${e.error}, ${e.ref},
      ${u.input_total}, ${u.no_cache}, ${u.cache_read}, ${u.cache_write}, ${u.output}, ${u.reasoning}, now())
    ON CONFLICT (run_id, position) DO UPDATE SET
      key = EXCLUDED.key, seq = EXCLUDED.seq, status = EXCLUDED.status, result = EXCLUDED.result, error = EXCLUDED.error,
      ref = EXCLUDED.ref, label = EXCLUDED.label, phase = EXCLUDED.phase, finished_at = now(),
      cached = CASE WHEN workflow_steps.seq IS NOT NULL AND workflow_steps.key = EXCLUDED.key THEN workflow_steps.cached ELSE EXCLUDED.cached END,
      task_id = CASE WHEN EXCLUDED.cached AND NOT (workflow_steps.seq IS NOT NULL AND workflow_steps.key = EXCLUDED.key)
                THEN EXCLUDED.task_id ELSE workflow_steps.task_id END,
      attempts = CASE WHEN EXCLUDED.cached AND NOT (workflow_steps.seq IS NOT NULL AND workflow_steps.key = EXCLUDED.key)
                 THEN EXCLUDED.attempts ELSE workflow_steps.attempts END,
      input_tokens = EXCLUDED.input_tokens, no_cache_tokens = EXCLUDED.no_cache_tokens, cache_read_tokens = EXCLUDED.cache_read_tokens,
      cache_write_tokens = EXCLUDED.cache_write_tokens, output_tokens = EXCLUDED.output_tokens, reasoning_tokens = EXCLUDED.reasoning_tokens`;
}

export async function setStepWorktree(sql: Sql, runId: string, position: number, worktree: StepWorktree | null): Promise<void> {
  await sql`UPDATE workflow_steps SET worktree = ${worktree === null ? null : JSON.stringify(worktree)}::text::jsonb WHERE run_id = ${runId} AND position = ${position}`;
}

/** Directory names of isolated agents' worktrees whose session is open: the sweep keeps them. */
export async function liveAgentWorktrees(sql: Sql): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT s.worktree->>'id' AS id FROM workflow_steps s
    JOIN workflow_runs r ON r.id = s.run_id JOIN sessions se ON se.id = r.session_id
    WHERE s.worktree IS NOT NULL AND se.status = 'open'`;
  return rows.map((r) => r.id);
}

// ---- the tasks of agent() calls ----

export interface CallTask {
  id: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'timed_out';
  chat_id: string | null;
  error: string | null;
  agent: string;
  model: string | null;
}

/**
 * The latest task queued for one attempt of one call of a run, if the step at that position is
 * still that call (same key).
 */
export async function findCallTask(sql: Sql, runId: string, position: number, attempt: number, key: string): Promise<CallTask | null> {
  const rows = await sql<CallTask[]>`
    SELECT t.id, t.status, t.chat_id, t.error, t.agent, t.model FROM tasks t
    JOIN workflow_steps s ON s.run_id = t.workflow_run_id AND s.position = t.workflow_position AND s.key = ${key}
    WHERE t.workflow_run_id = ${runId} AND t.workflow_position = ${position} AND t.workflow_attempt = ${attempt}
    ORDER BY t.created_at DESC, t.id LIMIT 1`;
  return rows[0] ?? null;
}

export async function stepWorktree(sql: Sql, runId: string, position: number): Promise<StepWorktree | null> {
  const rows = await sql<{ worktree: StepWorktree | null }[]>`
    SELECT worktree FROM workflow_steps WHERE run_id = ${runId} AND position = ${position}`;
  return rows[0]?.worktree ?? null;
}

export interface NewCallTask {
  projectId: string;
  sessionId: string;
  runId: string;
  position: number;
  attempt: number;
  agent: string;
  model: string | null;
  prompt: string;
  /** A new chat of this name, or (a schema retry) the chat of this earlier task, continued. */
  chat: { name: string } | { continueTask: string };
  /** The directory the agent works in instead of the session's worktree (isolated agents). */
  cwd: string | null;
}

/**
 * Queues one attempt of an agent() call as a task: its prompt is a user message in the call's own
 * chat, as a posted message is, so the agent gets history, traces, usage and permissions.
 */
export async function insertCallTask(sql: Sql, t: NewCallTask): Promise<{ taskId: string; chatId: string }> {
  return sql.begin(async (tx) => {
    // The chat counts its user turns (see insertUserMessageWithTask): a new chat starts at 1.
    let counted: { id: string; turn: number } | undefined;
    if ('continueTask' in t.chat) {
      [counted] = await tx<{ id: string; turn: number }[]>`
        UPDATE chats SET user_turns = user_turns + 1
        WHERE id = (SELECT chat_id FROM tasks WHERE id = ${t.chat.continueTask})
        RETURNING id, user_turns AS turn`;
    }
    if (!counted) {
      const name = 'name' in t.chat ? t.chat.name : 'workflow agent';
      [counted] = await tx<{ id: string; turn: number }[]>`
        INSERT INTO chats (session_id, name, user_turns) VALUES (${t.sessionId}, ${name}, 1) RETURNING id, user_turns AS turn`;
    }
    const { id: chatId, turn } = counted!;
    const [msg] = await tx<{ id: string }[]>`
      INSERT INTO messages (chat_id, session_id, role, content, status, turn, finished_at, metadata)
      VALUES (${chatId}, ${t.sessionId}, 'user', ${t.prompt}, 'complete', ${turn}, now(),
              ${jsonb(tx, { workflow_run_id: t.runId, position: t.position, attempt: t.attempt })})
      RETURNING id`;
    const input: TaskInputColumn = { parts: [{ type: 'text', text: t.prompt }], turn, ...(t.cwd ? { cwd: t.cwd } : {}) };
    const [task] = await tx<{ id: string }[]>`
      INSERT INTO tasks (project_id, session_id, chat_id, message_id, agent, model, input, workflow_run_id, workflow_position, workflow_attempt)
      VALUES (${t.projectId}, ${t.sessionId}, ${chatId}, ${msg!.id}, ${t.agent}, ${t.model}, ${jsonb(tx, input)},
              ${t.runId}, ${t.position}, ${t.attempt})
      RETURNING id`;
    await tx`UPDATE messages SET task_id = ${task!.id} WHERE id = ${msg!.id}`;
    await tx`UPDATE workflow_steps SET task_id = ${task!.id} WHERE run_id = ${t.runId} AND position = ${t.position}`;
    return { taskId: task!.id, chatId };
  });
}

export interface CallTaskOutcome {
  status: CallTask['status'];
  error: string | null;
  usage: Usage;
  /** The agent's answer: the text of the task's last assistant message. */
  text: string | null;
}

export async function callTaskOutcome(sql: Sql, taskId: string): Promise<CallTaskOutcome | null> {
  const [row] = await sql<(UsageColumns & { status: CallTask['status']; error: string | null; content: string | null })[]>`
    SELECT t.status, t.error, t.input_tokens, t.no_cache_tokens, t.cache_read_tokens, t.cache_write_tokens, t.output_tokens, t.reasoning_tokens,
      (SELECT m.content FROM messages m WHERE m.task_id = t.id AND m.role = 'assistant' ORDER BY m.pos DESC LIMIT 1) AS content
    FROM tasks t WHERE t.id = ${taskId}`;
  if (!row) return null;
  return { status: row.status, error: row.error, usage: usageOf(row), text: row.content };
}

/** The tasks of a run's agent() calls that have not ended. */
export async function unfinishedCallTasks(sql: Sql, runId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM tasks WHERE workflow_run_id = ${runId} AND status IN ('pending', 'running')`;
  return rows.map((r) => r.id);
}

/** Of these tasks, the ones that have ended. */
export async function endedTasks(sql: Sql, ids: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM tasks WHERE id = ANY(${ids}::uuid[]) AND status IN ('completed', 'failed', 'cancelled', 'timed_out')`;
  return rows.map((r) => r.id);
}
