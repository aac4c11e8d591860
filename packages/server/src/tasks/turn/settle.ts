import { emptyUsage, type TurnResult } from '@boocode/contracts';
import { deleteMessage } from '../../db/messages.js';
import type { TaskRow } from '../../db/rows.js';
import { finishTask, requeueTask, requeueToResume } from '../../db/tasks.js';
import { insertTurnUsage } from '../../db/traces.js';
import { insertCompaction } from '../../db/compactions.js';
import { dropJournal, insertTranscript } from '../../db/transcripts.js';
import { updateAttention } from '../../stream/attention.js';
import { announceActivity, announceTask, type RunnerDeps, type Turn, type TurnEnding } from './context.js';
import type { TurnFrames } from './frames.js';

const summarize = (text: string) => (text.length > 500 ? text.slice(0, 497) + '...' : text) || null;

/** Writes the task row's ending, but only while this worker still holds the task. */
async function settleTask(deps: RunnerDeps, task: TaskRow, ending: TurnEnding, tally: TurnFrames | null, summary: string | null): Promise<void> {
  if (ending.status === 'pending') await requeueTask(deps.sql, task.id, deps.workerId, ending.error, ending.retryInMs ?? 0);
  else await finishTask(deps.sql, task.id, deps.workerId, { status: ending.status, error: ending.error, summary, usage: tally?.usage ?? emptyUsage() });
}

/** A task that ended before its turn started (nothing to write but the task row), announced when asked. */
export async function endUnstarted(deps: RunnerDeps, task: TaskRow, ending: TurnEnding, announce?: { chatId: string | null; error: string }): Promise<void> {
  await settleTask(deps, task, ending, null, null);
  if (announce) announceTask(deps, task, announce.chatId, ending.status, announce.error);
  if (ending.status !== 'pending') await deps.subagents.taskEnded({ ...task, status: ending.status });
}

/**
 * Writes a started turn down, in an order readers rely on: the turn's own rows first (requests,
 * traces, the message with its final text and usage, its transcript, turn usage), the task row last, so whoever
 * sees the task finished sees everything it did; then the frames that say so.
 */
export async function settleTurn(t: Turn, endingAsked: TurnEnding, result: TurnResult | null): Promise<void> {
  const { deps, task, session, chatId, messageId, writer, events } = t;
  let ending = endingAsked;
  const tally = events.frames;
  deps.streaming.remove(session.id, writer);
  // Requests still being stored must exist before the sweep that cancels the turn's requests.
  await events.settled();
  await deps.permissions.cancelForTask(task.id);
  if (ending.resume) events.closeOpenTraces('cancelled', 'interrupted');
  else if (ending.status !== 'completed') events.closeOpenTraces(ending.status === 'cancelled' ? 'cancelled' : 'error', ending.error ?? ending.status);
  const persistFailure = await events.settled();
  events.seal();
  if (ending.resume) {
    // Everything that reached clients is stored before another worker continues the turn.
    await writer.flush();
    if (await requeueToResume(deps.sql, task.id, deps.workerId, messageId)) {
      t.span?.end({ status: 'handed over', error: ending.error, usage: tally.usage, model: tally.model });
      announceTask(deps, task, chatId, 'pending', ending.error);
      t.log.info({ chat_id: chatId }, 'turn stopped by shutdown; queued to continue');
      return;
    }
    ending = { status: 'failed', error: 'interrupted', extra: { interrupted: true } };
  }
  if (ending.status === 'pending') {
    // Nothing reached the user: the next attempt starts from a clean slate.
    t.span?.end({ status: 'pending', error: ending.error, usage: tally.usage, model: tally.model });
    await deleteMessage(deps.sql, messageId);
    await settleTask(deps, task, ending, tally, null);
    deps.broker.publish(session.id, { type: 'message_deleted', chat_id: chatId, message_id: messageId });
    announceTask(deps, task, chatId, 'pending', ending.error);
    return;
  }
  const msgStatus = ending.status === 'completed' ? 'complete' : ending.status === 'cancelled' ? 'cancelled' : 'failed';
  await writer.finish({
    status: msgStatus,
    usage: tally.usage,
    usageReported: tally.usageReported,
    metadata: { ...(ending.error ? { error: ending.error } : {}), ...(result ? { stop_reason: result.stop_reason } : {}), ...ending.extra },
  });
  // Only a completed turn's conversation is replayed; others contribute their final text.
  if (ending.status === 'completed' && result?.transcript) {
    await insertTranscript(deps.sql, { messageId, chatId, turn: t.turn, transcript: result.transcript });
  }
  // A compaction holds whatever the turn's fate: the summary covers earlier turns only (or, for /compact, the request itself).
  if (result?.compaction) await insertCompaction(deps.sql, chatId, messageId, result.compaction);
  if (tally.journaled || t.resume) await dropJournal(deps.sql, task.id);
  const finishedAt = new Date();
  if (tally.steps > 0 || tally.toolCalls > 0 || ending.status === 'completed') {
    await insertTurnUsage(deps.sql, {
      sessionId: session.id,
      chatId,
      messageId,
      taskId: task.id,
      turn: t.turn,
      agent: task.agent,
      usageReported: tally.usageReported,
      model: tally.model ?? task.model,
      provider: tally.provider,
      usage: tally.usage,
      cost: tally.cost,
      saved: tally.saved,
      steps: tally.steps,
      toolCalls: tally.toolCalls,
      raw: tally.raw,
      latencyMs: finishedAt.getTime() - tally.startedAt,
      ttftMs: tally.firstOutputAt ? tally.firstOutputAt - tally.startedAt : null,
      startedAt: new Date(tally.startedAt),
      finishedAt,
    });
  }
  const error = ending.error ?? (persistFailure ? 'some events could not be stored' : null);
  t.span?.end({ status: ending.status, error, usage: tally.usage, model: tally.model });
  await settleTask(deps, task, { ...ending, error }, tally, summarize(writer.content));
  deps.broker.publish(session.id, {
    type: 'message_complete',
    chat_id: chatId,
    message_id: messageId,
    status: msgStatus,
    finished_at: finishedAt.toISOString(),
    usage: tally.usage,
    ...(tally.usageReported ? {} : { usage_reported: false }),
    error: ending.error,
  });
  announceTask(deps, task, chatId, ending.status, ending.error);
  announceActivity(deps, session, ending.status === 'failed' || ending.status === 'timed_out' ? 'failed' : 'idle');
  // A cancelled turn was the user's own doing: nothing new to look at. A workflow's agent is not
  // news on its own: its run says when it is over.
  const attention = task.workflow_run_id ? null : ending.status === 'completed' ? 'finished' : ending.status === 'cancelled' ? null : 'failed';
  if (attention) await updateAttention(deps.sql, deps.broker, session.id, attention, { unless: ['permission'] });
  // After the task row: whichever of a parent and its child ends last hands the result over.
  await deps.subagents.taskEnded({ ...task, status: ending.status });
  t.log.info(
    { chat_id: chatId, status: ending.status, steps: tally.steps, tool_calls: tally.toolCalls, ms: finishedAt.getTime() - tally.startedAt },
    'turn finished',
  );
}
