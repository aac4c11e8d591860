import {
  emptyUsage,
  PromptInput,
  type AgentBackend,
  type HistoryMessage,
  type Session,
  type TurnResult,
} from '@boocode/contracts';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../db/connection.js';
import type { TaskRow } from '../db/rows.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';
import { MessageWriter } from '../stream/message-writer.js';
import type { StreamingMessages } from '../stream/streaming-messages.js';
import { TurnEvents } from './turn-events.js';
import type { BackendPool } from '../agents/backend-pool.js';
import type { AgentRegistry } from '../agents/registry.js';
import type { PermissionCenter } from '../permissions/center.js';
import type { Workspace } from '../workspace/workspace.js';
import { getSession } from '../db/sessions.js';
import { getProject } from '../db/projects.js';
import { insertChat } from '../db/chats.js';

export interface RunnerDeps {
  sql: Sql;
  broker: Broker;
  log: Logger;
  pool: BackendPool;
  registry: AgentRegistry;
  permissions: PermissionCenter;
  workspace: Workspace;
  workerId: string;
  /** Coalescing interval of streamed message writes. */
  writeIntervalMs: number;
  streaming: StreamingMessages;
}

/** Why a run was aborted from outside: the user, or this process shutting down. */
export type AbortReason = 'cancel' | 'shutdown' | 'lease_lost' | 'timeout';

/** `cwd`: where an isolated workflow agent works (its own worktree) instead of the session's worktree. */
const TaskInput = z.object({ parts: PromptInput.shape.parts, turn: z.number().int().optional(), cwd: z.string().optional() });

/** How long a backend may take to wind down after an abort before we stop waiting for it. */
const CANCEL_GRACE_MS = 800;
const HISTORY_LIMIT = 200;

type Final = { status: 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'pending'; error: string | null };

/** Publishes the task's state on the session stream and the user stream. */
function announceTask(deps: RunnerDeps, task: TaskRow, chatId: string | null, status: TaskRow['status'], error: string | null = null) {
  if (task.session_id) deps.broker.publish(task.session_id, { type: 'task_state', task_id: task.id, chat_id: chatId, status, error });
  deps.broker.publishUser({ type: 'task_state', task_id: task.id, session_id: task.session_id, chat_id: chatId, status, error });
}

function activity(deps: RunnerDeps, session: Session, a: 'idle' | 'running' | 'awaiting_permission' | 'failed') {
  deps.broker.publishUser({ type: 'session_activity', session_id: session.id, project_id: session.project_id, activity: a });
}

/**
 * Earlier turns of the chat, for stateless backends. Ordered by turn (user before assistant), not
 * by insertion: a message queued while a turn ran was stored before that turn's answer.
 */
async function history(sql: Sql, chatId: string, turn: number): Promise<HistoryMessage[]> {
  const rows = await sql<{ role: 'user' | 'assistant'; content: string }[]>`
    SELECT role, content FROM (
      SELECT role, content, turn, pos FROM messages
      WHERE chat_id = ${chatId} AND role IN ('user', 'assistant') AND content <> '' AND turn < ${turn}
      ORDER BY turn DESC, role DESC, pos DESC LIMIT ${HISTORY_LIMIT}) h
    ORDER BY turn, role DESC, pos`;
  return rows.map((r) => ({ role: r.role, content: r.content }));
}

/** Settles the task row, but only while this worker still holds it. */
async function settleTask(deps: RunnerDeps, task: TaskRow, final: Final, events: TurnEvents | null, summary: string | null, retryInMs = 0) {
  const u = events?.usage ?? emptyUsage();
  if (final.status === 'pending') {
    // A cancel that arrived meanwhile wins over the retry.
    await deps.sql`
      UPDATE tasks SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'pending' END,
        finished_at = CASE WHEN cancel_requested THEN now() ELSE NULL END,
        lease_owner = NULL, lease_expires_at = NULL, started_at = NULL, error = ${final.error},
        run_after = now() + ${retryInMs} * interval '1 millisecond', updated_at = now()
      WHERE id = ${task.id} AND lease_owner = ${deps.workerId} AND status = 'running'`;
    return;
  }
  await deps.sql`
    UPDATE tasks SET status = ${final.status}, error = ${final.error}, output_summary = ${summary},
      input_tokens = ${u.input_total}, no_cache_tokens = ${u.no_cache}, cache_read_tokens = ${u.cache_read},
      cache_write_tokens = ${u.cache_write}, output_tokens = ${u.output}, reasoning_tokens = ${u.reasoning},
      lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
    WHERE id = ${task.id} AND lease_owner = ${deps.workerId} AND status = 'running'`;
}

const summarize = (text: string) => (text.length > 500 ? text.slice(0, 497) + '...' : text) || null;

/**
 * Waits for the turn, but no longer than the grace period once the abort has fired. `abandoned`:
 * the agent did not stop in time; its session is then dropped rather than reused.
 */
function raceAbort(p: Promise<TurnResult>, signal: AbortSignal): Promise<{ result: TurnResult; abandoned: boolean }> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      timer = setTimeout(() => resolve({ result: { ok: false, stop_reason: 'cancelled', usage: emptyUsage() }, abandoned: true }), CANCEL_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    p.then((result) => resolve({ result, abandoned: false }), reject).finally(() => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * Runs one claimed task as a turn: workspace, assistant message, warm backend, prompt, and every
 * event persisted and published. Never throws: every ending is written to the task row.
 */
export async function runTurn(deps: RunnerDeps, task: TaskRow, signal: AbortSignal): Promise<void> {
  const log = deps.log.child({ task_id: task.id, session_id: task.session_id, agent: task.agent });
  // Everything the turn needs before prompt() in one round trip: dispatch latency is mostly
  // round trips (bench/dispatch).
  const input = TaskInput.safeParse(task.input);
  const turn = input.success ? (input.data.turn ?? 1) : 1;
  const [session, project, known, prior, past] = await Promise.all([
    task.session_id ? getSession(deps.sql, task.session_id) : null,
    getProject(deps.sql, task.project_id),
    task.session_id ? deps.workspace.get(task.session_id) : null,
    task.chat_id
      ? deps.sql<{ resume_token: string | null }[]>`SELECT resume_token FROM agent_sessions WHERE chat_id = ${task.chat_id} AND agent = ${task.agent}`.then((r) => r[0] ?? null)
      : null,
    task.chat_id ? history(deps.sql, task.chat_id, turn) : ([] as HistoryMessage[]),
  ]);
  if (!session || !project) {
    await settleTask(deps, task, { status: 'failed', error: 'session or project no longer exists' }, null, null);
    return;
  }
  if (session.status === 'archived') {
    await settleTask(deps, task, { status: 'cancelled', error: 'the session was archived' }, null, null);
    announceTask(deps, task, task.chat_id, 'cancelled', 'the session was archived');
    return;
  }
  const chatId = task.chat_id ?? (await insertChat(deps.sql, session.id, undefined)).id;
  if (!task.chat_id) await deps.sql`UPDATE tasks SET chat_id = ${chatId} WHERE id = ${task.id}`;
  if (!input.success) {
    await settleTask(deps, task, { status: 'failed', error: `task input is invalid: ${input.error.message}` }, null, null);
    announceTask(deps, task, chatId, 'failed', 'task input is invalid');
    return;
  }
  announceTask(deps, task, chatId, 'running');
  activity(deps, session, 'running');

  // The assistant message's INSERT is not awaited here: the agent starts at once, and every
  // write that references the message is chained after the INSERT.
  const messageId = randomUUID();
  const startedAt = new Date();
  const inserted = deps.sql`
    INSERT INTO messages (id, chat_id, session_id, task_id, role, status, model, turn, started_at, metadata)
    VALUES (${messageId}, ${chatId}, ${session.id}, ${task.id}, 'assistant', 'streaming', ${task.model}, ${turn}, ${startedAt},
            ${deps.sql.json({ agent: task.agent, worker: deps.workerId })})`;
  deps.broker.publish(session.id, {
    type: 'message_started',
    chat_id: chatId,
    message_id: messageId,
    role: 'assistant',
    task_id: task.id,
    turn,
    model: task.model,
    agent: task.agent,
    started_at: startedAt.toISOString(),
  });
  const writer = new MessageWriter(deps.sql, messageId, deps.writeIntervalMs, inserted);
  deps.streaming.add(session.id, writer);
  const events = new TurnEvents(deps.sql, deps.broker, writer, deps.permissions, {
    sessionId: session.id,
    projectId: project.id,
    chatId,
    messageId,
    taskId: task.id,
    turn,
    agent: task.agent,
    policy: session.permission_policy,
  }, log, inserted);

  const finish = async (final: Final, result: TurnResult | null, extra: Record<string, unknown> = {}) => {
    deps.streaming.remove(session.id, writer);
    // Requests still being stored must exist before the sweep that cancels the turn's requests.
    await events.settled();
    await deps.permissions.cancelForTask(task.id);
    if (final.status !== 'completed') events.closeOpenTraces(final.status === 'cancelled' ? 'cancelled' : 'error', final.error ?? final.status);
    const persistFailure = await events.settled();
    events.seal();
    if (final.status === 'pending') {
      // Nothing reached the user: the next attempt starts from a clean slate.
      await deps.sql`DELETE FROM messages WHERE id = ${messageId}`;
      await settleTask(deps, task, final, events, null, Number(extra.retryInMs ?? 0));
      deps.broker.publish(session.id, { type: 'message_deleted', chat_id: chatId, message_id: messageId });
      announceTask(deps, task, chatId, 'pending', final.error);
      return;
    }
    const msgStatus = final.status === 'completed' ? 'complete' : final.status === 'cancelled' ? 'cancelled' : 'failed';
    await writer.finish({
      status: msgStatus,
      usage: events.usage,
      metadata: { ...(final.error ? { error: final.error } : {}), ...(result ? { stop_reason: result.stop_reason } : {}), ...extra },
    });
    const finishedAt = new Date();
    if (events.steps > 0 || events.toolCalls > 0 || final.status === 'completed') {
      const u = events.usage;
      await deps.sql`
        INSERT INTO turn_usage (session_id, chat_id, message_id, task_id, turn_number, agent, model, provider,
          input_tokens, no_cache_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
          cost, steps, tool_calls, raw, latency_ms, ttft_ms, started_at, finished_at)
        VALUES (${session.id}, ${chatId}, ${messageId}, ${task.id}, ${turn}, ${task.agent}, ${events.model ?? task.model}, ${events.provider},
          ${u.input_total}, ${u.no_cache}, ${u.cache_read}, ${u.cache_write}, ${u.output}, ${u.reasoning},
          ${events.cost}, ${events.steps}, ${events.toolCalls}, ${deps.sql.json(events.raw as never)},
          ${finishedAt.getTime() - events.startedAt}, ${events.firstOutputAt ? events.firstOutputAt - events.startedAt : null},
          ${new Date(events.startedAt)}, ${finishedAt})`;
    }
    const error = final.error ?? (persistFailure ? 'some events could not be stored' : null);
    await settleTask(deps, task, { ...final, error }, events, summarize(writer.content));
    deps.broker.publish(session.id, {
      type: 'message_complete',
      chat_id: chatId,
      message_id: messageId,
      status: msgStatus,
      finished_at: finishedAt.toISOString(),
      usage: events.usage,
      error: final.error,
    });
    announceTask(deps, task, chatId, final.status, final.error);
    activity(deps, session, final.status === 'failed' || final.status === 'timed_out' ? 'failed' : 'idle');
    log.info({ chat_id: chatId, status: final.status, steps: events.steps, tool_calls: events.toolCalls, ms: finishedAt.getTime() - events.startedAt }, 'turn finished');
  };

  // The workspace: the session worktree (created on the first turn, with project setup), or an
  // isolated workflow agent's own.
  let root: string;
  try {
    root =
      input.data.cwd ??
      (await deps.workspace.prepare(session, project, {
        known,
        signal,
        onOutput: (chunk) => deps.broker.publish(session.id, { type: 'setup_output', stream: chunk.stream, text: chunk.text }),
      }));
  } catch (err) {
    const message = `workspace setup failed: ${(err as Error).message}`;
    log.warn({ err }, 'workspace setup failed');
    writer.appendText(message);
    deps.broker.publish(session.id, { type: 'message_delta', chat_id: chatId, message_id: messageId, text: message });
    await finish({ status: 'failed', error: message }, null, { setup_failed: true, details: (err as { details?: unknown }).details ?? null });
    return;
  }

  // The backend: warm from the pool, or started now (resuming the agent's own session).
  let backend: AgentBackend;
  let lease;
  const key = { chatId, agent: task.agent };
  try {
    backend = await deps.registry.backendFor(task.agent);
    lease = await deps.pool.acquire(backend, key, {
      sessionId: session.id,
      projectId: project.id,
      root,
      model: task.model,
      resumeToken: prior?.resume_token ?? null,
    });
  } catch (err) {
    const message = (err as Error).message;
    const retry = task.attempts < task.max_attempts && !/unknown agent|not usable|Invalid native agent config/.test(message);
    log.warn({ err, retry }, 'agent could not start');
    if (retry && !signal.aborted) {
      await finish({ status: 'pending', error: `agent could not start: ${message}` }, null, { retryInMs: 1000 * 2 ** (task.attempts - 1) });
    } else {
      writer.appendText(`The agent could not start: ${message}`);
      await finish({ status: signal.aborted ? 'cancelled' : 'failed', error: `agent could not start: ${message}` }, null);
    }
    return;
  }
  // Written while the agent already works; awaited before the turn's own updates to the row.
  // postgres.js sends a query only once something subscribes to it, hence the catch right here.
  const sessionRow = deps.sql`
    INSERT INTO agent_sessions (chat_id, agent, backend, resume_token, config_fingerprint, status, root, last_active_at)
    VALUES (${chatId}, ${task.agent}, ${backend.kind}, ${lease.handle.resumeToken}, ${lease.fingerprint}, 'busy', ${root}, now())
    ON CONFLICT (chat_id, agent) DO UPDATE SET backend = EXCLUDED.backend, resume_token = EXCLUDED.resume_token,
      config_fingerprint = EXCLUDED.config_fingerprint, status = 'busy', root = EXCLUDED.root, last_active_at = now()`
    .catch((err: unknown) => log.warn({ err }, 'recording the agent session failed'));

  const onAbort = () => void backend.cancel(lease.handle).catch((err: unknown) => log.warn({ err }, 'backend cancel failed'));
  signal.addEventListener('abort', onAbort, { once: true });
  let result: TurnResult;
  let abandoned = false;
  try {
    ({ result, abandoned } = await raceAbort(
      backend.prompt(lease.handle, { parts: input.data.parts, history: past }, { signal, onEvent: events.onEvent, turn }),
      signal,
    ));
  } catch (err) {
    result = { ok: false, stop_reason: 'error', usage: events.usage, error: { code: 'agent_error', message: (err as Error).message } };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // An agent still busy after the grace period must not serve the next turn of this chat.
  if (abandoned) {
    log.warn({ chat_id: chatId }, 'agent did not stop after cancel; dropping its session');
    await deps.pool.drop(key).catch((err: unknown) => log.warn({ err }, 'dropping the agent session failed'));
  } else lease.release();
  await writer.flush();
  await sessionRow;

  const reason = signal.aborted ? (signal.reason as AbortReason) : null;
  const crashed = result.error?.code === 'agent_crashed';
  if (crashed) await deps.pool.drop(key);
  await deps.sql`
    UPDATE agent_sessions SET last_active_at = now(),
      -- Archived while the turn ran: the agent session stays closed.
      status = CASE WHEN status = 'closed' THEN 'closed' ELSE ${crashed ? 'crashed' : 'idle'} END,
      resume_token = COALESCE(${result.resume_token ?? lease.handle.resumeToken}, resume_token),
      state = state || ${deps.sql.json(events.agentState as never)}
    WHERE chat_id = ${chatId} AND agent = ${task.agent}`;

  // Recorded before the task reads as done, so whoever sees it finished also sees its diff. A
  // workflow's agents work side by side: the run takes the session's diff once, when it ends.
  if (!task.workflow_run_id) {
    await deps.workspace.afterTurn(session, project, task.id).catch((err: unknown) => log.warn({ err }, 'computing the diff after the turn failed'));
  }
  if (reason === 'shutdown' || reason === 'lease_lost') {
    // Interrupted by us, not by the agent or the user (see recovery rules in queue.ts).
    if (!events.hasOutput && reason === 'shutdown') await finish({ status: 'pending', error: 'server shut down before the agent answered' }, result);
    else await finish({ status: 'failed', error: 'interrupted' }, result, { interrupted: true });
  } else if (reason === 'timeout') {
    await finish({ status: 'timed_out', error: 'the turn ran longer than BOOCODE_TURN_TIMEOUT_MS' }, result);
  } else if (reason === 'cancel' || result.stop_reason === 'cancelled') {
    await finish({ status: 'cancelled', error: null }, result);
  } else if (result.ok) {
    await finish({ status: 'completed', error: null }, result);
  } else {
    await finish({ status: 'failed', error: result.error ? `${result.error.code}: ${result.error.message}` : `stopped: ${result.stop_reason}` }, result);
  }
}
