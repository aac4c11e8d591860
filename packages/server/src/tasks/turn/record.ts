import type { TurnResult } from '@boocode/contracts';
import { markAgentSessionDone } from '../../db/agent-sessions.js';
import type { AbortReason, Turn, TurnEnding } from './context.js';
import type { Dispatched } from './dispatch.js';

/**
 * How a prompted turn ends, from why it was aborted (if it was) and what the agent answered.
 * Interrupted by a shutdown is neither the agent's nor the user's doing: the task is queued again,
 * to start over when the agent had said nothing yet, else to continue in the same message, as
 * recovery of a dead worker's task does. A lost lease means another worker has taken the task over.
 */
export function endingOf(reason: AbortReason | null, result: TurnResult, hasOutput: boolean): TurnEnding {
  if (reason === 'shutdown') {
    if (!hasOutput) return { status: 'pending', error: 'server shut down before the agent answered' };
    return { status: 'pending', error: 'server stopped; continuing', resume: true };
  }
  if (reason === 'lease_lost') return { status: 'failed', error: 'interrupted', extra: { interrupted: true } };
  if (reason === 'timeout') return { status: 'timed_out', error: 'the turn ran longer than BOOCODE_TURN_TIMEOUT_MS' };
  // The agent's own time limit (a terminal agent's timeout_seconds, an idle stream) ran out.
  if (result.error?.code === 'timeout' && reason === null) return { status: 'timed_out', error: result.error.message };
  if (reason === 'cancel' || result.stop_reason === 'cancelled') return { status: 'cancelled', error: null };
  if (result.ok) return { status: 'completed', error: null };
  return { status: 'failed', error: result.error ? `${result.error.code}: ${result.error.message}` : `stopped: ${result.stop_reason}` };
}

/**
 * Records what the agent left behind once it answered: the streamed text so far, its agent
 * session (idle or crashed, newest resume token and state), and the session's diff, which is
 * recorded before the task reads as done so whoever sees it finished also sees its diff.
 */
export async function recordTurn(t: Turn, d: Extract<Dispatched, { kind: 'prompted' }>, signal: AbortSignal): Promise<TurnEnding> {
  const { deps, task, log } = t;
  await t.writer.flush();
  await d.agentSessionRecorded;
  const reason = signal.aborted ? (signal.reason as AbortReason) : null;
  const crashed = d.result.error?.code === 'agent_crashed';
  if (crashed) await deps.pool.drop(d.key);
  await markAgentSessionDone(deps.sql, {
    chatId: t.chatId,
    agent: task.agent,
    crashed,
    resumeToken: d.result.resume_token ?? d.handle.resumeToken,
    state: t.events.frames.agentState,
  });
  // A workflow's agents work side by side: the run takes the session's diff once, when it ends.
  if (!task.workflow_run_id) {
    await deps.workspace.afterTurn(t.session, task.id).catch((err: unknown) => log.warn({ err }, 'computing the diff after the turn failed'));
  }
  return endingOf(reason, d.result, t.events.hasOutput);
}
