import { insertUserMessageWithTask } from '../db/messages.js';
import { getSession } from '../db/sessions.js';
import { insertNotice, takeUndelivered, type Undelivered } from '../db/subagents.js';
import type { SubagentDeps } from './service.js';

/** Longest answer of a child quoted in its parent's follow-up turn; the rest is one subagent_result away. */
const NOTE_TEXT_LIMIT = 20_000;

const nameOf = (u: Undelivered) => (u.child.subagent_label ? `"${u.child.subagent_label}"` : 'subagent');

function noticeText(taken: Undelivered[]): string {
  return taken.map((u) => `Background ${nameOf(u)} ${u.child.status}${u.child.error ? `: ${u.child.error}` : ''}.`).join('\n');
}

/**
 * The follow-up turn's prompt: marked as a note from BooCode, not words of the user, as Claude
 * Code's task notifications are.
 */
function followUpNote(taken: Undelivered[]): string {
  const blocks = taken.map((u) => {
    const text = u.text ?? '';
    const quoted = text.length > NOTE_TEXT_LIMIT ? `${text.slice(0, NOTE_TEXT_LIMIT)}\n[answer cut; subagent_result with id ${u.child.id} has all of it]` : text;
    return [
      `<subagent-result id="${u.child.id}" label="${u.child.subagent_label ?? ''}" agent="${u.child.agent}" status="${u.child.status}">`,
      u.child.error ? `error: ${u.child.error}` : null,
      quoted || '(no final answer)',
      '</subagent-result>',
    ]
      .filter((l) => l !== null)
      .join('\n');
  });
  return [
    '[System note from BooCode, not written by the user] Background subagents you spawned earlier have finished. Their results:',
    ...blocks,
    'Continue the task with these results; if nothing is left to do, say so briefly.',
  ].join('\n\n');
}

/**
 * Hands the parent's session the results of its children that ended after its turn: a notice in
 * the parent's chat, and (unless the session turned it off, or the parent was cancelled) a
 * follow-up turn there with the results.
 */
export async function deliverResults(deps: SubagentDeps, parentTaskId: string): Promise<void> {
  const { sql, broker, log } = deps;
  const taken = await takeUndelivered(sql, parentTaskId);
  if (taken.length === 0) return;
  const parent = taken[0]!.parent;
  if (!parent.session_id || !parent.chat_id) return;
  const session = await getSession(sql, parent.session_id);
  if (!session) return;
  const notice = await insertNotice(sql, {
    sessionId: session.id,
    chatId: parent.chat_id,
    content: noticeText(taken),
    metadata: { subagent_notice: taken.map((u) => u.child.id) },
  });
  broker.publish(session.id, { type: 'message_created', message: notice });
  const worthATurn = taken.filter((u) => u.child.status !== 'cancelled');
  // A subagent's own children are its to collect (subagent_result): a follow-up turn in its chat
  // would run as a turn of the session, outside the limits its depth sets.
  const followUp = session.subagent_followup && session.status === 'open' && parent.status !== 'cancelled' && parent.subagent_depth === 0;
  if (!followUp || worthATurn.length === 0) {
    log.info({ session_id: session.id, parent_task_id: parentTaskId, children: taken.length }, 'subagent results noticed');
    return;
  }
  const next = await insertUserMessageWithTask(sql, {
    projectId: session.project_id,
    sessionId: session.id,
    chatId: parent.chat_id,
    content: followUpNote(worthATurn),
    images: [],
    agent: parent.agent,
    model: parent.model,
    metadata: { subagent_results: worthATurn.map((u) => u.child.id) },
  });
  if (!next) return;
  broker.publish(session.id, { type: 'message_created', message: next.message });
  broker.publish(session.id, { type: 'task_state', task_id: next.task.id, chat_id: parent.chat_id, status: 'pending' });
  broker.publishUser({ type: 'task_state', task_id: next.task.id, session_id: session.id, chat_id: parent.chat_id, status: 'pending' });
  log.info({ session_id: session.id, parent_task_id: parentTaskId, task_id: next.task.id, children: worthATurn.length }, 'subagent results handed over in a follow-up turn');
}
