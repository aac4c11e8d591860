import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MessageNotice, ToolOffsets } from '@boocode/contracts';
import { insertChat } from '../../db/chats.js';
import { insertAssistantMessage, mergeMessageMetadata } from '../../db/messages.js';
import { readResumePoint, setTaskChat, type ClaimedTurn } from '../../db/tasks.js';
import { workflowRunTraceparent } from '../../db/trace-context.js';
import { MessageWriter } from '../../stream/message-writer.js';
import { announceActivity, announceTask, type RunnerDeps, type Turn } from './context.js';
import { TurnEvents } from './events.js';
import { endUnstarted } from './settle.js';
import { TaskPart } from '../../images/parts.js';
import { resolveParts } from '../../images/store.js';

/** `cwd`: where an isolated workflow agent works (its own worktree) instead of the session's worktree. */
const TaskInput = z.object({ parts: z.array(TaskPart).min(1), turn: z.number().int().optional(), cwd: z.string().optional() });

/**
 * Makes a claimed task ready to run (its records were read with the claim): ends it at once when
 * it cannot run (session or project gone, session archived, input invalid), and opens its
 * assistant message. Null when the task was ended here.
 */
export async function prepareTurn(deps: RunnerDeps, claimed: ClaimedTurn): Promise<Turn | null> {
  const { task, session, project, worktree, resumeToken, agentTitle, history } = claimed;
  let log = deps.log.child({ task_id: task.id, session_id: task.session_id, agent: task.agent });
  const input = TaskInput.safeParse(task.input);
  const turn = input.success ? (input.data.turn ?? 1) : 1;
  if (!session || !project) {
    await endUnstarted(deps, task, { status: 'failed', error: 'session or project no longer exists' });
    return null;
  }
  if (session.status === 'archived') {
    const error = 'the session was archived';
    await endUnstarted(deps, task, { status: 'cancelled', error }, { chatId: task.chat_id, error });
    return null;
  }
  const chatId = task.chat_id ?? (await insertChat(deps.sql, session.id, undefined)).id;
  if (!task.chat_id) await setTaskChat(deps.sql, task.id, chatId);
  if (!input.success) {
    await endUnstarted(deps, task, { status: 'failed', error: `task input is invalid: ${input.error.message}` }, { chatId, error: 'task input is invalid' });
    return null;
  }
  const parts = await resolveParts(deps.sql, input.data.parts).catch((err: Error) => err);
  if (parts instanceof Error) {
    await endUnstarted(deps, task, { status: 'failed', error: parts.message }, { chatId, error: parts.message });
    return null;
  }
  announceTask(deps, task, chatId, 'running');
  announceActivity(deps, session, 'running');

  const startedAt = new Date();
  const point = task.resume_message_id ? await readResumePoint(deps.sql, task.id, task.resume_message_id) : null;
  const resume = point && { ...point, at: startedAt.toISOString() };
  let messageId: string;
  let inserted: Promise<void>;
  if (resume && task.resume_message_id) {
    // Continued after a restart: the turn goes on in the message it had started, marked so.
    messageId = task.resume_message_id;
    const resumed = [...(Array.isArray(resume.metadata.resumed) ? resume.metadata.resumed : []), resume.at];
    inserted = mergeMessageMetadata(deps.sql, messageId, { resumed, worker: deps.workerId });
    log.info({ message_id: messageId, resumes: task.resumes }, 'continuing an interrupted turn');
  } else {
    // The assistant message's INSERT is not awaited here: the agent starts at once, and every
    // write that references the message is chained after the INSERT.
    messageId = randomUUID();
    inserted = insertAssistantMessage(deps.sql, {
      id: messageId,
      chatId,
      sessionId: session.id,
      taskId: task.id,
      model: task.model,
      turn,
      startedAt,
      metadata: { agent: task.agent, worker: deps.workerId },
    });
  }
  // A workflow agent's turn belongs under its run's span, a subagent's under the call that spawned
  // it; either may live in another process.
  const parent = !deps.telemetry ? null : task.workflow_run_id ? await workflowRunTraceparent(deps.sql, task.workflow_run_id) : task.traceparent;
  const span =
    deps.telemetry?.startTurn({
      sessionId: session.id,
      chatId,
      taskId: task.id,
      messageId,
      turn,
      agent: task.agent,
      model: task.model,
      workflowRunId: task.workflow_run_id,
      parent,
    }) ?? null;
  if (span) log = log.child({ trace_id: span.traceId });
  // A continued message is announced once its agent is known (see dispatch): it decides what is kept.
  if (!resume) {
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
  }
  const writer = new MessageWriter(deps.sql, messageId, deps.writeIntervalMs, inserted);
  if (resume) writer.continueFrom(resume.content, resume.reasoning);
  deps.streaming.add(session.id, writer);
  const events = new TurnEvents(
    deps.sql,
    deps.broker,
    writer,
    deps.permissions,
    { sessionId: session.id, projectId: project.id, chatId, messageId, taskId: task.id, turn, agent: task.agent, policy: session.permission_policy },
    log,
    // A continued message keeps its tool cards' places and its notices from before the restart.
    {
      prices: deps.prices,
      span,
      toolOffsets: ToolOffsets.catch({}).parse(resume?.metadata.tool_offsets ?? {}),
      notices: MessageNotice.array().catch([]).parse(resume?.metadata.notices ?? []),
    },
    inserted,
  );
  return { deps, task, log, session, project, chatId, turn, parts, cwd: input.data.cwd ?? null, worktree, resumeToken, agentTitle, history, resume, messageId, writer, events, span };
}
