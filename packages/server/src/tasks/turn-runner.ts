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
import { chatHistory, deleteMessage, insertAssistantMessage } from '../db/messages.js';
import { finishTask, requeueTask, setTaskChat } from '../db/tasks.js';
import { insertTurnUsage } from '../db/traces.js';
import { getResumeToken, markAgentSessionBusy, markAgentSessionDone } from '../db/agent-sessions.js';

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

const TaskInput = z.object({ parts: PromptInput.shape.parts, turn: z.number().int().optional() });

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

/** Settles the task row, but only while this worker still holds it. */
async function settleTask(deps: RunnerDeps, task: TaskRow, final: Final, events: TurnEvents | null, summary: string | null, retryInMs = 0) {
  if (final.status === 'pending') await requeueTask(deps.sql, task.id, deps.workerId, final.error, retryInMs);
  else await finishTask(deps.sql, task.id, deps.workerId, { status: final.status, error: final.error, summary, usage: events?.usage ?? emptyUsage() });
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
    task.chat_id ? getResumeToken(deps.sql, task.chat_id, task.agent) : null,
    task.chat_id ? chatHistory(deps.sql, task.chat_id, turn, HISTORY_LIMIT) : ([] as HistoryMessage[]),
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
  if (!task.chat_id) await setTaskChat(deps.sql, task.id, chatId);
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
  const inserted = insertAssistantMessage(deps.sql, {
    id: messageId,
    chatId,
    sessionId: session.id,
    taskId: task.id,
    model: task.model,
    turn,
    startedAt,
    metadata: { agent: task.agent, worker: deps.workerId },
  });
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
      await deleteMessage(deps.sql, messageId);
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
      await insertTurnUsage(deps.sql, {
        sessionId: session.id,
        chatId,
        messageId,
        taskId: task.id,
        turn,
        agent: task.agent,
        model: events.model ?? task.model,
        provider: events.provider,
        usage: events.usage,
        cost: events.cost,
        steps: events.steps,
        toolCalls: events.toolCalls,
        raw: events.raw,
        latencyMs: finishedAt.getTime() - events.startedAt,
        ttftMs: events.firstOutputAt ? events.firstOutputAt - events.startedAt : null,
        startedAt: new Date(events.startedAt),
        finishedAt,
      });
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

  // The workspace: the session worktree (created on the first turn, with project setup).
  let root: string;
  try {
    root = await deps.workspace.prepare(session, project, {
      known,
      signal,
      onOutput: (chunk) => deps.broker.publish(session.id, { type: 'setup_output', stream: chunk.stream, text: chunk.text }),
    });
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
      resumeToken: prior,
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
  const sessionRow = markAgentSessionBusy(deps.sql, {
    chatId,
    agent: task.agent,
    backend: backend.kind,
    resumeToken: lease.handle.resumeToken,
    fingerprint: lease.fingerprint,
    root,
  }).catch((err: unknown) => log.warn({ err }, 'recording the agent session failed'));

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
  await markAgentSessionDone(deps.sql, {
    chatId,
    agent: task.agent,
    crashed,
    resumeToken: result.resume_token ?? lease.handle.resumeToken,
    state: events.agentState,
  });

  // Recorded before the task reads as done, so whoever sees it finished also sees its diff.
  await deps.workspace.afterTurn(session, task.id).catch((err: unknown) => log.warn({ err }, 'computing the diff after the turn failed'));
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
