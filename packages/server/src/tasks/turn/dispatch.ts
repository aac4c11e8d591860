import { emptyUsage, type AgentBackend, type AgentSessionHandle, type SessionKey, type TurnResult } from '@boocode/contracts';
import type { Lease } from '../../agents/backend-pool.js';
import { markAgentSessionBusy } from '../../db/agent-sessions.js';
import type { Turn, TurnEnding } from './context.js';

/** How long a backend may take to wind down after an abort before we stop waiting for it. */
const CANCEL_GRACE_MS = 800;

/** What came of handing the turn to its agent. */
export type Dispatched =
  /** The agent never got the prompt (workspace setup failed, the agent could not start). */
  | { kind: 'not_started'; ending: TurnEnding }
  | {
      kind: 'prompted';
      result: TurnResult;
      key: SessionKey;
      handle: AgentSessionHandle;
      /** The agent session row written while the agent worked (its failure is logged, not thrown). */
      agentSessionRecorded: Promise<void>;
    };

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
 * The session worktree, created (with project setup) on the first turn, or an isolated workflow
 * agent's own; null when setup failed.
 */
async function workspaceFor(t: Turn, signal: AbortSignal): Promise<{ root: string } | { failed: TurnEnding }> {
  const { deps, session, project } = t;
  if (t.cwd) return { root: t.cwd };
  try {
    const root = await deps.workspace.prepare(session, project, {
      known: t.worktree,
      signal,
      onOutput: (chunk) => deps.broker.publish(session.id, { type: 'setup_output', stream: chunk.stream, text: chunk.text }),
    });
    return { root };
  } catch (err) {
    const message = `workspace setup failed: ${(err as Error).message}`;
    t.log.warn({ err }, 'workspace setup failed');
    t.writer.appendText(message);
    deps.broker.publish(session.id, { type: 'message_delta', chat_id: t.chatId, message_id: t.messageId, text: message });
    return { failed: { status: 'failed', error: message, extra: { setup_failed: true, details: (err as { details?: unknown }).details ?? null } } };
  }
}

/** The turn's backend, warm from the pool or started now (resuming the agent's own session). */
async function startAgent(t: Turn, key: SessionKey, root: string, signal: AbortSignal): Promise<{ backend: AgentBackend; lease: Lease } | { failed: TurnEnding }> {
  const { deps, task, session, project } = t;
  try {
    const backend = await deps.registry.backendFor(task.agent);
    const lease = await deps.pool.acquire(backend, key, {
      sessionId: session.id,
      projectId: project.id,
      root,
      model: task.model,
      resumeToken: t.resumeToken,
      mcp: deps.mcp.refFor(session.id, t.chatId),
    });
    return { backend, lease };
  } catch (err) {
    const message = (err as Error).message;
    const retry = task.attempts < task.max_attempts && !/unknown agent|not usable|native agent is not configured/.test(message);
    t.log.warn({ err, retry }, 'agent could not start');
    if (retry && !signal.aborted) {
      return { failed: { status: 'pending', error: `agent could not start: ${message}`, retryInMs: 1000 * 2 ** (task.attempts - 1) } };
    }
    t.writer.appendText(`The agent could not start: ${message}`);
    return { failed: { status: signal.aborted ? 'cancelled' : 'failed', error: `agent could not start: ${message}` } };
  }
}

/**
 * Hands the turn to its agent: the workspace, the backend (warm from the pool, or started now,
 * resuming the agent's own session), then prompt() with the turn's events flowing into
 * `TurnEvents`. Returns when the agent answered, failed, or was abandoned after an abort.
 */
export async function dispatchTurn(t: Turn, signal: AbortSignal): Promise<Dispatched> {
  const { deps, task, log } = t;
  const workspace = await workspaceFor(t, signal);
  if ('failed' in workspace) return { kind: 'not_started', ending: workspace.failed };
  const { root } = workspace;

  const key = { chatId: t.chatId, agent: task.agent };
  const started = await startAgent(t, key, root, signal);
  if ('failed' in started) return { kind: 'not_started', ending: started.failed };
  const { backend: agent, lease } = started;
  const handle = lease.handle;
  // Written while the agent already works; awaited before the turn's own updates to the row.
  const agentSessionRecorded = markAgentSessionBusy(deps.sql, {
    chatId: t.chatId,
    agent: task.agent,
    backend: agent.kind,
    resumeToken: handle.resumeToken,
    fingerprint: lease.fingerprint,
    root,
  }).catch((err: unknown) => log.warn({ err }, 'recording the agent session failed'));

  const onAbort = () => void agent.cancel(handle).catch((err: unknown) => log.warn({ err }, 'backend cancel failed'));
  signal.addEventListener('abort', onAbort, { once: true });
  let result: TurnResult;
  let abandoned = false;
  try {
    ({ result, abandoned } = await raceAbort(
      agent.prompt(handle, { parts: t.parts, history: t.history }, { signal, onEvent: t.events.onEvent, turn: t.turn, subagents: deps.subagents.controlFor(task) }),
      signal,
    ));
  } catch (err) {
    result = { ok: false, stop_reason: 'error', usage: t.events.frames.usage, error: { code: 'agent_error', message: (err as Error).message } };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // An agent still busy after the grace period must not serve the next turn of this chat.
  if (abandoned) {
    log.warn({ chat_id: t.chatId }, 'agent did not stop after cancel; dropping its session');
    await deps.pool.drop(key).catch((err: unknown) => log.warn({ err }, 'dropping the agent session failed'));
  } else lease.release();
  return { kind: 'prompted', result, key, handle, agentSessionRecorded };
}
