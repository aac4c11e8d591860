import { z } from 'zod';
import { InputPart, type RecoverAction, type Task } from '@boocode/contracts';
import type { NewUserMessage } from '../db/messages.js';

/** Turns that ended without finishing their work: the ones a person may retry or continue. */
const RECOVERABLE: ReadonlySet<Task['status']> = new Set(['failed', 'cancelled', 'timed_out']);

export function recoverable(task: Task): boolean {
  return RECOVERABLE.has(task.status);
}

/**
 * Why the earlier turn stopped, in the agent's terms: `interrupted` is a turn lost to a restart
 * that could not be resumed where it was.
 */
function stopReason(task: Task): string {
  if (task.status === 'cancelled') return 'it was cancelled';
  if (task.status === 'timed_out') return 'it ran out of time';
  if (task.error === 'interrupted') return 'BooCode restarted while you were working';
  return `it failed${task.error ? ` (${task.error.slice(0, 300)})` : ''}`;
}

/** The prompt of a "continue" turn: the agent still has its conversation and is asked to go on. */
export function continuePrompt(task: Task): string {
  return `Your previous answer stopped before it was finished: ${stopReason(task)}. Continue from where you stopped, without repeating what is already done.`;
}

/** The user message of a recovery turn: the earlier prompt again, or a request to continue. */
export function recoveryMessage(
  task: Task,
  action: RecoverAction,
  storedParts: unknown,
): Pick<NewUserMessage, 'content' | 'images' | 'metadata'> {
  const metadata = { recovers: { task_id: task.id, action } };
  if (action === 'continue') return { content: continuePrompt(task), images: [], metadata };
  const parts = z.array(InputPart).catch([]).parse(storedParts);
  const content = parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n');
  return { content, images: parts.filter((p) => p.type !== 'text'), metadata };
}
