import { Transcript, type HistoryMessage, type InFlightTurn, type Project, type Session, type Task, type TaskStatus, type Usage } from '@boocode/contracts';
import type { TransactionSql } from 'postgres';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { toProject, toSession, toTask, type ProjectRow, type SessionRow, type TaskRow } from './rows.js';
import type { WorktreeRow } from './workspaces.js';

/** Tasks and the queue: claiming, leases, recovery, cancellation and the ending of a task. */

export const TASKS_CHANNEL = 'boocode_tasks';
export const CANCEL_CHANNEL = 'boocode_cancel';

/** Advisory lock space of "this session's worktree is being reviewed" (see withReviewLock). */
export const REVIEW_LOCK = 727_002;

export async function getTask(sql: Sql, id: string): Promise<Task | null> {
  const rows = await sql<TaskRow[]>`SELECT * FROM tasks WHERE id = ${id}`;
  return rows[0] ? toTask(rows[0]) : null;
}

/** A session's tasks, newest first, optionally only those in `status`. */
export async function listSessionTasks(sql: Sql, sessionId: string, q: { status?: TaskStatus[]; limit: number }): Promise<Task[]> {
  const rows = await sql<TaskRow[]>`
    SELECT * FROM tasks
    WHERE session_id = ${sessionId} AND (${q.status ?? null}::text[] IS NULL OR status = ANY(${q.status ?? null}::text[]))
    ORDER BY created_at DESC, id DESC
    LIMIT ${q.limit}`;
  return rows.map(toTask);
}

/** A claimed task with what its turn reads before prompt(). */
export interface ClaimedTurn {
  task: TaskRow;
  session: Session | null;
  project: Project | null;
  worktree: WorktreeRow | null;
  resumeToken: string | null;
  /** The title the agent last reported in its session (the one `resumeToken` names). */
  agentTitle: string | null;
  /** Earlier turns of the chat, for stateless backends. */
  history: HistoryMessage[];
}

/** Messages of history a turn gets at most. */
const HISTORY_LIMIT = 200;

interface ClaimedRow extends TaskRow {
  claimed_session: SessionRow | null;
  claimed_project: ProjectRow | null;
  claimed_worktree: WorktreeRow | null;
  claimed_resume_token: string | null;
  claimed_agent_title: string | null;
  /** A transcript arrives as its stored text (see turn_transcripts). */
  claimed_history: { role: HistoryMessage['role']; content: string; transcript?: string; turn: number; summary?: boolean }[];
}

/**
 * Claims the oldest runnable task: pending, due, the oldest pending of its session, and its
 * session not already running one. SKIP LOCKED lets many workers claim at once without
 * waiting on each other; the unique index on running tasks per session backs the rule up.
 * A workflow's agents (workflow_run_id set) and background subagents (parent_task_id set) are
 * outside that rule, as they are in Claude Code: they run side by side in the session, next to its turns.
 *
 * The same statement reads what the turn needs before prompt() (session, project, worktree row,
 * the agent's resume token, the chat's history), since dispatch latency is mostly round trips.
 * History is ordered by turn (user before assistant), not by insertion: a message queued while a
 * turn ran was stored before that turn's answer.
 */
export async function claimTurn(sql: Sql, workerId: string, leaseMs: number): Promise<ClaimedTurn | null> {
  let rows: ClaimedRow[];
  try {
    rows = await sql<ClaimedRow[]>`
      WITH claimed AS (
        UPDATE tasks SET
          status = 'running',
          lease_owner = ${workerId},
          lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
          heartbeat_at = now(),
          attempts = attempts + 1,
          started_at = now(),
          updated_at = now()
        WHERE id = (
          SELECT t.id FROM tasks t
          WHERE t.status = 'pending' AND t.run_after <= now() AND NOT t.cancel_requested
            AND (t.workflow_run_id IS NOT NULL OR t.parent_task_id IS NOT NULL OR NOT EXISTS (
              SELECT 1 FROM tasks r WHERE r.session_id = t.session_id AND r.status = 'running' AND r.workflow_run_id IS NULL AND r.parent_task_id IS NULL))
            -- A review action (apply, reject, merge, commit) holds this lock while it works on the worktree.
            AND (t.session_id IS NULL OR pg_try_advisory_xact_lock(${REVIEW_LOCK}, hashtext(t.session_id::text)))
            AND (t.workflow_run_id IS NOT NULL OR t.parent_task_id IS NOT NULL OR NOT EXISTS (
              SELECT 1 FROM tasks e
              WHERE e.session_id = t.session_id AND e.status = 'pending' AND NOT e.cancel_requested AND e.workflow_run_id IS NULL
                AND e.parent_task_id IS NULL
                AND (e.created_at, e.id) < (t.created_at, t.id)))
          ORDER BY t.created_at, t.id
          FOR UPDATE SKIP LOCKED
          LIMIT 1)
        RETURNING *
      )
      SELECT c.*,
        (SELECT to_jsonb(s) FROM sessions s WHERE s.id = c.session_id) AS claimed_session,
        (SELECT to_jsonb(p) FROM projects p WHERE p.id = c.project_id) AS claimed_project,
        (SELECT to_jsonb(w) FROM session_worktrees w WHERE w.session_id = c.session_id) AS claimed_worktree,
        (SELECT a.resume_token FROM agent_sessions a WHERE a.chat_id = c.chat_id AND a.agent = c.agent) AS claimed_resume_token,
        (SELECT a.state ->> 'title' FROM agent_sessions a WHERE a.chat_id = c.chat_id AND a.agent = c.agent) AS claimed_agent_title,
        (SELECT COALESCE(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('role', h.role, 'content', h.content, 'transcript', h.transcript,
                                                                        'turn', h.turn, 'summary', h.summary))
                                   ORDER BY h.turn, h.role DESC, h.pos), '[]'::jsonb)
         FROM (
           -- The newest compaction's summary stands for every turn up to its through_turn.
           (SELECT 'user' AS role, k.summary AS content, k.through_turn AS turn, 0::bigint AS pos, NULL::text AS transcript, true AS summary
            FROM chat_compactions k WHERE k.chat_id = c.chat_id ORDER BY k.through_turn DESC, k.created_at DESC LIMIT 1)
           UNION ALL
           (SELECT m.role, m.content, m.turn, m.pos, tt.messages AS transcript, NULL::boolean AS summary FROM messages m
           LEFT JOIN turn_transcripts tt ON tt.message_id = m.id
           WHERE m.chat_id = c.chat_id AND m.role IN ('user', 'assistant') AND (m.content <> '' OR tt.messages IS NOT NULL)
             -- A turn with a transcript is replayed from it, its user message included.
             AND NOT (m.role = 'user' AND EXISTS (SELECT 1 FROM turn_transcripts x WHERE x.chat_id = m.chat_id AND x.turn = m.turn))
             -- A compaction made within its turn summarised that turn's message: a turn that then
             -- failed (no transcript) must not replay it again after the summary.
             -- (IS NOT DISTINCT FROM: a chat without any compaction keeps every message.)
             AND NOT (m.role = 'user' AND m.turn IS NOT DISTINCT FROM (SELECT k.through_turn FROM chat_compactions k
                                                    WHERE k.chat_id = c.chat_id ORDER BY k.through_turn DESC, k.created_at DESC LIMIT 1))
             -- The turn this task answers (1 when its input does not say; such input fails the turn anyway).
             AND m.turn < COALESCE(CASE WHEN jsonb_typeof(c.input -> 'turn') = 'number' THEN (c.input ->> 'turn')::numeric END, 1)
             -- A compaction made within its turn leaves that turn's transcript (its steps after the summary) in.
             AND m.turn > COALESCE((SELECT k.through_turn - CASE WHEN k.within_turn THEN 1 ELSE 0 END FROM chat_compactions k
                                    WHERE k.chat_id = c.chat_id ORDER BY k.through_turn DESC, k.created_at DESC LIMIT 1), 0)
           ORDER BY m.turn DESC, m.role DESC, m.pos DESC LIMIT ${HISTORY_LIMIT})) h) AS claimed_history
      FROM claimed c`;
  } catch (err) {
    // Two workers raced for two tasks of one session: the index refused the second. Not an error.
    if ((err as { code?: string }).code === '23505') return null;
    throw err;
  }
  const row = rows[0];
  if (!row) return null;
  const { claimed_session, claimed_project, claimed_worktree, claimed_resume_token, claimed_agent_title, claimed_history, ...task } = row;
  return {
    task,
    session: claimed_session && toSession(claimed_session),
    project: claimed_project && toProject(claimed_project),
    worktree: claimed_worktree,
    resumeToken: claimed_resume_token,
    agentTitle: claimed_agent_title,
    history: claimed_history.map(historyMessage),
  };
}

function historyMessage(h: ClaimedRow['claimed_history'][number]): HistoryMessage {
  const base = { role: h.role, content: h.content, turn: h.turn, ...(h.summary ? { summary: true } : {}) };
  if (h.transcript === undefined) return base;
  return { ...base, transcript: Transcript.parse(JSON.parse(h.transcript)) };
}

/** Returns a task this worker claimed but will not run (it is shutting down), attempt not counted. */
export async function unclaimTask(sql: Sql, taskId: string, workerId: string): Promise<void> {
  await sql`
    UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, started_at = NULL,
      attempts = attempts - 1, updated_at = now()
    WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running'`;
  await sql`SELECT pg_notify(${TASKS_CHANNEL}, ${taskId})`;
}

/** Renews the lease; false means the task is no longer ours (recovered elsewhere or finished). */
export async function renewLease(sql: Sql, taskId: string, workerId: string, leaseMs: number): Promise<{ held: boolean; cancel: boolean }> {
  const rows = await sql<{ cancel_requested: boolean }[]>`
    UPDATE tasks SET lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', heartbeat_at = now()
    WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running'
    RETURNING cancel_requested`;
  return { held: rows.length > 0, cancel: rows[0]?.cancel_requested ?? false };
}

export interface Recovered {
  id: string;
  session_id: string | null;
  chat_id: string | null;
  status: 'pending' | 'failed' | 'cancelled';
  /** Its assistant message: ended with the task, or (pending) to be continued. */
  message_id: string | null;
  /** The empty assistant message deleted so that the next attempt starts afresh. */
  dropped_message_id: string | null;
}

/** How often one turn is continued after an interruption before it fails as `interrupted`. */
export const MAX_RESUMES = 3;

/**
 * Tasks whose worker died (lease expired). With no agent output persisted yet, the task is
 * queued again (and its empty assistant message dropped), up to max_attempts. With output, it is
 * queued to continue in the same message (calls cut off are closed as interrupted), up to
 * MAX_RESUMES times; past that it fails as `interrupted`, keeping the partial message, marked.
 * Whether its agent can continue is decided when the turn runs again.
 */
export async function recoverExpired(sql: Sql): Promise<Recovered[]> {
  return sql.begin(async (tx) => {
    const expired = await tx<{ id: string; session_id: string | null; chat_id: string | null; attempts: number; max_attempts: number; cancel_requested: boolean; resumes: number }[]>`
      SELECT id, session_id, chat_id, attempts, max_attempts, cancel_requested, resumes FROM tasks
      WHERE status = 'running' AND lease_expires_at < now()
      FOR UPDATE SKIP LOCKED`;
    const out: Recovered[] = [];
    for (const t of expired) {
      const [msg] = await tx<{ id: string; has_output: boolean }[]>`
        SELECT m.id, (m.content <> '' OR m.reasoning <> '' OR EXISTS (SELECT 1 FROM tool_traces tt WHERE tt.task_id = ${t.id})) AS has_output
        FROM messages m WHERE m.task_id = ${t.id} AND m.role = 'assistant' ORDER BY m.pos DESC LIMIT 1`;
      // A lost turn cannot still be waiting for an answer.
      await tx`
        UPDATE permissions SET status = 'cancelled', decided_by = 'cancelled', answered_at = now()
        WHERE task_id = ${t.id} AND status = 'pending'`;
      if (msg?.has_output) await closeInterruptedTraces(tx, t.id);
      if (t.cancel_requested) {
        // The user had cancelled it: it ends cancelled, whatever it had produced.
        await tx`
          UPDATE tasks SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
          WHERE id = ${t.id}`;
        if (msg) await tx`UPDATE messages SET status = 'cancelled', finished_at = now() WHERE id = ${msg.id}`;
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'cancelled', message_id: msg?.id ?? null, dropped_message_id: null });
        continue;
      }
      if (!msg?.has_output && t.attempts < t.max_attempts) {
        if (msg) await tx`DELETE FROM messages WHERE id = ${msg.id}`;
        await tx`
          UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, started_at = NULL,
            run_after = now(), error = 'worker lost; retrying', updated_at = now()
          WHERE id = ${t.id}`;
        await tx`SELECT pg_notify(${TASKS_CHANNEL}, ${t.id})`;
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'pending', message_id: null, dropped_message_id: msg?.id ?? null });
      } else if (msg && t.resumes < MAX_RESUMES) {
        await tx`
          UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_after = now(),
            resume_message_id = ${msg.id}, resumes = resumes + 1, error = 'worker lost; continuing', updated_at = now()
          WHERE id = ${t.id}`;
        await tx`SELECT pg_notify(${TASKS_CHANNEL}, ${t.id})`;
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'pending', message_id: msg.id, dropped_message_id: null });
      } else {
        const reason = msg?.has_output ? 'interrupted' : 'interrupted: no attempts left';
        await tx`
          UPDATE tasks SET status = 'failed', error = ${reason}, lease_owner = NULL, lease_expires_at = NULL,
            finished_at = now(), updated_at = now()
          WHERE id = ${t.id}`;
        if (msg) {
          await tx`
            UPDATE messages SET status = 'failed', finished_at = now(),
              metadata = metadata || ${jsonb(tx, { interrupted: true, error: reason })}
            WHERE id = ${msg.id}`;
        }
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'failed', message_id: msg?.id ?? null, dropped_message_id: null });
      }
    }
    return out;
  });
}

/** Tool calls of a task still open when its worker stopped: they will never report back. */
async function closeInterruptedTraces(sql: Sql | TransactionSql, taskId: string): Promise<void> {
  await sql`UPDATE tool_traces SET outcome = 'cancelled', error = 'interrupted', finished_at = now()
            WHERE task_id = ${taskId} AND finished_at IS NULL`;
}

/**
 * A turn this worker stops before its end (shutdown) that has already answered something: queued
 * at once to continue in the same message, wherever a worker is free, without waiting for the
 * lease. False when the task is no longer this worker's or was continued too often.
 */
export async function requeueToResume(sql: Sql, taskId: string, workerId: string, messageId: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const rows = await tx`
      UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_after = now(),
        resume_message_id = ${messageId}, resumes = resumes + 1, error = 'server stopped; continuing', updated_at = now()
      WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running' AND NOT cancel_requested AND resumes < ${MAX_RESUMES}
      RETURNING id`;
    if (rows.length === 0) return false;
    await closeInterruptedTraces(tx, taskId);
    await tx`SELECT pg_notify(${TASKS_CHANNEL}, ${taskId})`;
    return true;
  });
}

/** What a continued turn starts from: its message so far and, for the native agent, its journal. */
export interface ResumePoint {
  content: string;
  reasoning: string;
  metadata: Record<string, unknown>;
  /** The journaled conversation as stored text and how much of the message it covers; null when there is none. */
  journal: { messages: string; content_chars: number; reasoning_chars: number; compaction: unknown } | null;
  /** Tool calls of the turn in start order, with how they ended. */
  calls: { tool_call_id: string; tool_name: string; tool_input: Record<string, unknown>; tool_output: string | null; error: string | null; outcome: string | null }[];
}

export async function readResumePoint(sql: Sql, taskId: string, messageId: string): Promise<ResumePoint | null> {
  const [m] = await sql<Omit<ResumePoint, 'calls'>[]>`
    SELECT m.content, m.reasoning, m.metadata,
      (SELECT jsonb_build_object('messages', j.messages, 'content_chars', j.content_chars, 'reasoning_chars', j.reasoning_chars, 'compaction', j.compaction)
       FROM turn_journals j WHERE j.task_id = ${taskId}) AS journal
    FROM messages m WHERE m.id = ${messageId}`;
  if (!m) return null;
  const calls = await sql<ResumePoint['calls']>`
    SELECT tool_call_id, tool_name, tool_input, tool_output, error, outcome FROM tool_traces
    WHERE task_id = ${taskId} ORDER BY pos`;
  return { ...m, calls: [...calls] };
}

/**
 * Cancels a pending task at once; marks a running one and tells the worker holding it (NOTIFY,
 * whichever process that is). Null when there is no such task.
 */
export async function requestCancel(sql: Sql, id: string): Promise<Task | null> {
  const rows = await sql<TaskRow[]>`
    UPDATE tasks SET
      status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
      finished_at = CASE WHEN status = 'pending' THEN now() ELSE finished_at END,
      error = CASE WHEN status = 'pending' THEN 'cancelled before it started' ELSE error END,
      cancel_requested = cancel_requested OR status IN ('pending', 'running'),
      updated_at = now()
    WHERE id = ${id}
    RETURNING *`;
  const row = rows[0];
  if (!row) return null;
  if (row.status === 'running') await sql`SELECT pg_notify(${CANCEL_CHANNEL}, ${id})`;
  return toTask(row);
}

/** A session's pending and running tasks, oldest first. */
export async function unfinishedTaskIds(sql: Sql, sessionId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM tasks WHERE session_id = ${sessionId} AND status IN ('pending', 'running') ORDER BY created_at`;
  return rows.map((r) => r.id);
}

/** The task running for a session now, if any (the agent may be writing to its worktree). */
export async function runningTaskOf(sql: Sql, sessionId: string): Promise<string | null> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM tasks WHERE session_id = ${sessionId} AND status = 'running' LIMIT 1`;
  return rows[0]?.id ?? null;
}

/** Sessions with a task running now. */
export async function busySessionIds(sql: Sql): Promise<string[]> {
  const rows = await sql<{ session_id: string }[]>`
    SELECT DISTINCT session_id FROM tasks WHERE status = 'running' AND session_id IS NOT NULL`;
  return rows.map((r) => r.session_id);
}

export interface SessionActivity {
  session_id: string;
  project_id: string;
  activity: 'running' | 'awaiting_permission';
}

/** Sessions with a turn running now, and whether it waits for a permission answer. */
export async function runningActivities(sql: Sql): Promise<SessionActivity[]> {
  const rows = await sql<{ session_id: string; project_id: string; awaiting: boolean }[]>`
    SELECT DISTINCT t.session_id, t.project_id,
           EXISTS (SELECT 1 FROM permissions p WHERE p.task_id = t.id AND p.status = 'pending') AS awaiting
    FROM tasks t WHERE t.status = 'running' AND t.session_id IS NOT NULL`;
  return rows.map((r) => ({ session_id: r.session_id, project_id: r.project_id, activity: r.awaiting ? 'awaiting_permission' : 'running' }));
}

/** The session's turns running now, with their streaming assistant message. */
export async function inFlightTurns(sql: Sql, sessionId: string): Promise<InFlightTurn[]> {
  const rows = await sql<
    { task_id: string; chat_id: string; message_id: string; turn: number; agent: string; model: string | null; started_at: Date; awaiting: boolean }[]
  >`
    SELECT t.id AS task_id, m.chat_id, m.id AS message_id, COALESCE(m.turn, 0) AS turn, t.agent, m.model,
           m.started_at,
           EXISTS (SELECT 1 FROM permissions p WHERE p.task_id = t.id AND p.status = 'pending') AS awaiting
    FROM tasks t JOIN messages m ON m.task_id = t.id AND m.role = 'assistant' AND m.status = 'streaming'
    WHERE t.session_id = ${sessionId} AND t.status = 'running'
    ORDER BY t.started_at`;
  return rows.map((r) => ({
    task_id: r.task_id,
    chat_id: r.chat_id,
    message_id: r.message_id,
    turn: r.turn,
    agent: r.agent,
    model: r.model,
    started_at: r.started_at.toISOString(),
    awaiting_permission: r.awaiting,
  }));
}

/** A task queued without a chat runs in one created for it. */
export async function setTaskChat(sql: Sql, taskId: string, chatId: string): Promise<void> {
  await sql`UPDATE tasks SET chat_id = ${chatId} WHERE id = ${taskId}`;
}

/**
 * Queues a claimed task again after `retryInMs`, but only while this worker still holds it.
 * A cancel that arrived meanwhile wins over the retry.
 */
export async function requeueTask(sql: Sql, taskId: string, workerId: string, error: string | null, retryInMs: number): Promise<void> {
  await sql`
    UPDATE tasks SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'pending' END,
      finished_at = CASE WHEN cancel_requested THEN now() ELSE NULL END,
      lease_owner = NULL, lease_expires_at = NULL, started_at = NULL, error = ${error},
      run_after = now() + ${retryInMs} * interval '1 millisecond', updated_at = now()
    WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running'`;
}

export interface TaskEnding {
  status: 'completed' | 'failed' | 'cancelled' | 'timed_out';
  error: string | null;
  summary: string | null;
  usage: Usage;
}

/** Writes how a task ended, but only while this worker still holds it. */
export async function finishTask(sql: Sql, taskId: string, workerId: string, end: TaskEnding): Promise<void> {
  const u = end.usage;
  await sql`
    UPDATE tasks SET status = ${end.status}, error = ${end.error}, output_summary = ${end.summary},
      input_tokens = ${u.input_total}, no_cache_tokens = ${u.no_cache}, cache_read_tokens = ${u.cache_read},
      cache_write_tokens = ${u.cache_write}, output_tokens = ${u.output}, reasoning_tokens = ${u.reasoning},
      lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
    WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running'`;
}

/** Workers holding a running task of the session (at most one: one turn per session). */
export async function runningLeaseOwners(sql: Sql, sessionId: string): Promise<string[]> {
  const rows = await sql<{ lease_owner: string }[]>`
    SELECT lease_owner FROM tasks WHERE session_id = ${sessionId} AND status = 'running' AND lease_owner IS NOT NULL`;
  return rows.map((r) => r.lease_owner);
}

/** The prompt parts (text and images) a task was posted with, as stored; null for an unknown task. */
export async function taskPromptParts(sql: Sql, id: string): Promise<unknown> {
  const rows = await sql<{ parts: unknown }[]>`SELECT input->'parts' AS parts FROM tasks WHERE id = ${id}`;
  return rows[0] ? rows[0].parts : null;
}
