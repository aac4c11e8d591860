import { z } from 'zod';
import type { InputPart, RecoverAction, Task } from '@boocode/contracts';
import type { NewUserMessage } from '../db/messages.js';
import { TaskPart } from '../images/parts.js';

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

/**
 * The user message of a recovery turn: the earlier prompt again, or a request to continue. Its
 * images are the stored ones by hash; `inlineImages` are those of a task from before images had a
 * table, still to be stored.
 */
export function recoveryMessage(
  task: Task,
  action: RecoverAction,
  storedParts: unknown,
): Pick<NewUserMessage, 'content' | 'images' | 'metadata'> & { inlineImages: Extract<InputPart, { type: 'image' }>[] } {
  const metadata = { recovers: { task_id: task.id, action } };
  if (action === 'continue') return { content: continuePrompt(task), images: [], inlineImages: [], metadata };
  const parts = z.array(TaskPart).catch([]).parse(storedParts);
  const content = parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n');
  return {
    content,
    images: parts.flatMap((p) => (p.type === 'stored_image' ? [{ sha256: p.sha256, mime_type: p.mime_type }] : [])),
    inlineImages: parts.filter((p): p is Extract<InputPart, { type: 'image' }> => p.type === 'image'),
    metadata,
  };
}
