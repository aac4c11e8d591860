import { Compaction, emptyUsage, Transcript, type AgentBackend, type AgentSessionHandle, type PromptInput, type SessionKey, type TurnResult } from '@boocode/contracts';
import { startFailureHint } from '@boocode/agents';
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
      // An agent naming its own sessions must not report this title again after a restart.
      knownTitle: t.agentTitle,
      permissionPolicy: session.permission_policy,
      // Chosen only among the modes the agent reported, so only agents with modes get one.
      ...(session.mode ? { config: { mode: session.mode } } : {}),
      mcp: deps.registry.offersMcp(task.agent) ? deps.mcp.refFor(session.id, t.chatId) : undefined,
    });
    return { backend, lease };
  } catch (err) {
    const message = (err as Error).message;
    // A known setup problem will not go away by trying again: the user is told what to change.
    const hint = startFailureHint(message);
    const retry = task.attempts < task.max_attempts && !hint && !/unknown agent|not usable|native agent is not configured/.test(message);
    t.log.warn({ err, retry }, 'agent could not start');
    if (retry && !signal.aborted) {
      return { failed: { status: 'pending', error: `agent could not start: ${message}`, retryInMs: 1000 * 2 ** (task.attempts - 1) } };
    }
    t.writer.appendText(`The agent could not start: ${message}${hint ? `\n\n${hint}` : ''}`);
    return {
      failed: { status: signal.aborted ? 'cancelled' : 'failed', error: `agent could not start: ${message}`, ...(hint ? { extra: { start_hint: hint } } : {}) },
    };
  }
}

/** What an external agent is asked when its turn continues after a restart in its own resumed session. */
export const CONTINUE_PROMPT =
  'BooCode restarted while you were working on my last request, so your answer was cut off. Continue the request from where you stopped; check the state of the files first rather than redoing work.';

/**
 * The prompt of the turn. A turn continued after a restart: the native agent replays its journal
 * and says again what followed its last journaled step (the message is cut back to that point);
 * an external agent that kept its own session (same resume token) is asked to go on; any other
 * cannot continue (null), since it would start over without knowing what it had done.
 */
function promptInput(t: Turn, agent: AgentBackend, handle: AgentSessionHandle): PromptInput | null {
  if (!t.resume) return { parts: t.parts, history: t.history };
  let input: PromptInput | null = null;
  if (agent.kind === 'native') {
    const journal = t.resume.journal;
    t.writer.cutBack(journal?.content_chars ?? 0, journal?.reasoning_chars ?? 0);
    const transcript = journal ? Transcript.parse(JSON.parse(journal.messages)) : undefined;
    const calls = t.resume.calls.map((c) => ({ id: c.tool_call_id, name: c.tool_name, input: c.tool_input, output: c.tool_output, error: c.error }));
    const compaction = journal?.compaction ? Compaction.parse(journal.compaction) : undefined;
    input = { parts: t.parts, history: t.history, resume: { ...(transcript ? { transcript } : {}), calls, ...(compaction ? { compaction } : {}) } };
  } else if (t.resumeToken !== null && handle.resumeToken === t.resumeToken) {
    input = { parts: [{ type: 'text', text: CONTINUE_PROMPT }], history: t.history };
  }
  if (input) announceResumed(t, t.resume.at);
  return input;
}

/** Clients learn that the message streams again, and what of it is kept. */
function announceResumed(t: Turn, at: string): void {
  t.deps.broker.publish(t.session.id, {
    type: 'message_started',
    chat_id: t.chatId,
    message_id: t.messageId,
    role: 'assistant',
    task_id: t.task.id,
    turn: t.turn,
    model: t.task.model,
    agent: t.task.agent,
    started_at: at,
    resumed_at: at,
    content_chars: t.writer.content.length,
    reasoning_chars: t.writer.reasoning.length,
  });
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

  const input = promptInput(t, agent, handle);
  if (!input) {
    lease.release();
    await agentSessionRecorded;
    return { kind: 'not_started', ending: { status: 'failed', error: 'interrupted', extra: { interrupted: true, cannot_continue: true } } };
  }

  const onAbort = () => void agent.cancel(handle).catch((err: unknown) => log.warn({ err }, 'backend cancel failed'));
  signal.addEventListener('abort', onAbort, { once: true });
  let result: TurnResult;
  let abandoned = false;
  try {
    ({ result, abandoned } = await raceAbort(
      agent.prompt(handle, input, { signal, onEvent: t.events.onEvent, recorded: t.events.recorded, turn: t.turn, subagents: deps.subagents.controlFor(task) }),
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
