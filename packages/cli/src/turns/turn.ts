import type { ApiClient } from '@boocode/client';
import type { Message, PostMessageBody, Session, SessionFrame, Task } from '@boocode/contracts';
import type { Connection } from '../connection.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { formatDuration } from '../duration.js';
import { shortId } from '../ids.js';
import { LogPrinter } from '../logs/printer.js';
import { paintFor } from '../output/color.js';
import type { OutputMode } from '../output/format.js';
import { canPrompt, PermissionPrompt } from './permission-prompt.js';
import { progress } from './progress.js';
import { watchSession, type WatchEnd } from './watch.js';

export const FINISHED: ReadonlySet<Task['status']> = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

/** How `run`, `send` and `wait` wait. */
export interface WaitOptions {
  waitTimeout?: number;
  cancelOnInterrupt?: boolean;
}

/** The agent's answer of a task: the last assistant message it wrote in the chat. */
export async function answerOf(api: ApiClient, task: Task): Promise<Message | null> {
  if (!task.chat_id) return null;
  const page = await api.call('listMessages', { params: { id: task.chat_id }, query: { limit: 50 } });
  return page.items.findLast((m) => m.role === 'assistant' && m.task_id === task.id) ?? null;
}

/** The exit code a turn ends with: 0 when it completed, else 5. */
export const turnExit = (task: Task | null): ExitCode => (task === null || task.status === 'completed' ? ExitCode.Ok : ExitCode.TurnFailed);

/** A one-line account of how a task ended, for stderr. */
export function taskSummary(task: Task): string {
  const took = task.started_at && task.finished_at ? ` in ${formatDuration(new Date(task.finished_at).getTime() - new Date(task.started_at).getTime())}` : '';
  return `turn ${shortId(task.id)} ${task.status}${took}${task.error ? `: ${task.error}` : ''}`;
}

/**
 * What every waiting command does with the frames: in table mode the readable log on stdout,
 * otherwise progress lines on stderr; permission requests asked about when at a terminal.
 */
export class TurnView {
  readonly printer: LogPrinter | null;
  private readonly prompt: PermissionPrompt | null;

  constructor(api: ApiClient, mode: OutputMode | 'silent') {
    this.printer = mode === 'table' ? new LogPrinter((t) => process.stdout.write(t), paintFor(process.stdout)) : null;
    this.prompt = canPrompt() ? new PermissionPrompt(api) : null;
  }

  frame(f: SessionFrame): void {
    this.printer?.frame(f);
    if (f.type === 'permission_request') {
      if (!this.printer) progress(`permission ${shortId(f.permission_id)} asked: ${f.title} (answer: boocode permit ${shortId(f.permission_id)} allow|always|reject)`);
      this.prompt?.offer(f);
    }
    if (f.type === 'permission_resolved') this.prompt?.resolved(f.permission_id);
    if (!this.printer && f.type === 'task_state' && f.status === 'running') progress(`turn ${shortId(f.task_id)} running`);
  }

  close(): void {
    this.printer?.finish();
    this.prompt?.close();
  }
}

/**
 * How a wait that did not end by itself ends the command: a timeout or Ctrl-C leaves the turn
 * running (unless `--cancel-on-interrupt`, which cancels it first) and says how to get back to it.
 * Null when the wait ended by itself. The caller prints its result before throwing this.
 */
export async function waitStopped(end: WatchEnd, api: ApiClient, session: Session, taskId: string | null, opts: WaitOptions): Promise<CliError | null> {
  if (end === 'done') return null;
  const s = shortId(session.id);
  if (end === 'timeout') {
    return new CliError(ExitCode.Failure, `still running after ${formatDuration(opts.waitTimeout ?? 0)}; the turn goes on (boocode wait ${s}, boocode logs -f ${s})`);
  }
  if (opts.cancelOnInterrupt) {
    if (taskId) await api.call('cancelTask', { params: { id: taskId } });
    else await api.call('cancelSession', { params: { id: session.id } });
    return new CliError(ExitCode.Interrupted, 'interrupted: the turn was cancelled');
  }
  return new CliError(ExitCode.Interrupted, `detached: the turn goes on (boocode logs -f ${s}, boocode stop ${s})`);
}

/**
 * Posts a prompt to a chat and, unless `detach`, follows the turn to its end. The stream is open
 * before the post, so no frame of the turn is missed.
 */
export async function postAndFollow(
  conn: Connection,
  session: Session,
  chatId: string,
  body: PostMessageBody,
  mode: OutputMode,
  opts: WaitOptions & { detach?: boolean },
): Promise<{ task: Task; answer: Message | null; stopped: CliError | null }> {
  const { api } = conn;
  if (opts.detach) {
    const { task } = await api.call('postMessage', { params: { id: chatId }, body });
    return { task, answer: null, stopped: null };
  }
  const view = new TurnView(api, mode);
  // Set once the prompt is posted (on the stream's first snapshot), refreshed when the turn ends.
  const turn: { task: Task | null } = { task: null };
  const finished = async (id: string): Promise<boolean> => {
    turn.task = await api.call('getTask', { params: { id } });
    return FINISHED.has(turn.task.status);
  };
  let end: WatchEnd;
  try {
    end = await watchSession(conn, session.id, {
      timeoutMs: opts.waitTimeout,
      onSnapshot: async (first) => {
        if (turn.task) return finished(turn.task.id);
        if (!first) return false;
        turn.task = (await api.call('postMessage', { params: { id: chatId }, body })).task;
        if (mode !== 'table') progress(`turn ${shortId(turn.task.id)} queued in session ${shortId(session.id)}`);
        return false;
      },
      onFrame: (f) => {
        view.frame(f);
        return f.type === 'task_state' && f.task_id === turn.task?.id && FINISHED.has(f.status) ? finished(f.task_id) : false;
      },
      ...(mode === 'table' ? {} : { heartbeat: () => turn.task && progress(`still waiting for turn ${shortId(turn.task.id)}…`) }),
    });
  } finally {
    view.close();
  }
  const stopped = await waitStopped(end, api, session, turn.task?.id ?? null, opts);
  if (!turn.task) throw stopped ?? new CliError(ExitCode.Failure, 'the prompt was not posted');
  // Stopped early: the task as it stands now.
  if (stopped) turn.task = await api.call('getTask', { params: { id: turn.task.id } });
  return { task: turn.task, answer: await answerOf(api, turn.task), stopped };
}
