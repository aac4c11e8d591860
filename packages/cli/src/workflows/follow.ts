import type { SessionFrame, WorkflowRun, WorkflowRunDetail } from '@boocode/contracts';
import type { Connection } from '../connection.js';
import { formatDuration } from '../duration.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { shortId } from '../ids.js';
import { canPrompt, PermissionPrompt } from '../turns/permission-prompt.js';
import { progress } from '../turns/progress.js';
import { watchSession } from '../turns/watch.js';
import { isRunFrame, RUN_FINISHED } from './view.js';

export interface FollowOptions {
  timeoutMs?: number | undefined;
  cancelOnInterrupt?: boolean | undefined;
  /** Progress lines (permission requests, "still waiting") on stderr; off for `-q`. */
  quiet?: boolean;
  /**
   * The run as it stands once the stream is open (`first`), and again when the stream had to start
   * over: what happened before the frames that follow.
   */
  onSnapshot?: (run: WorkflowRunDetail, first: boolean) => void | Promise<void>;
}

/** What to follow: a run that exists, or one that `start` creates once the stream is open (so no frame of it is missed). */
export type FollowTarget = { runId: string } | { start: () => Promise<WorkflowRun> };

/**
 * Follows a workflow run on its session's stream until it ends, handing each of its frames to
 * `onFrame`. A permission request of the session's agents is announced (and asked about at a
 * terminal), since a run whose agent waits for an answer goes nowhere. A timeout or Ctrl-C stops
 * following and leaves the run going (Ctrl-C cancels it with `cancelOnInterrupt`): `stopped` says
 * so, for the caller to throw once it has printed the run as it stands.
 */
export async function followRun(
  conn: Connection,
  sessionId: string,
  target: FollowTarget,
  onFrame: (f: SessionFrame) => void | Promise<void>,
  opts: FollowOptions = {},
): Promise<{ run: WorkflowRunDetail; stopped: CliError | null }> {
  const { api } = conn;
  let runId = 'runId' in target ? target.runId : null;
  const finished = async (id: string, first: boolean) => {
    const run = await api.call('getWorkflowRun', { params: { id } });
    await opts.onSnapshot?.(run, first);
    return RUN_FINISHED.has(run.status);
  };
  const prompt = canPrompt() ? new PermissionPrompt(api) : null;
  let end;
  try {
    end = await watchSession(conn, sessionId, {
      timeoutMs: opts.timeoutMs,
      onSnapshot: async (first) => {
        if (runId) return finished(runId, first);
        if (!first || 'runId' in target) return false;
        const run = await target.start();
        runId = run.id;
        return RUN_FINISHED.has(run.status);
      },
      onFrame: async (f) => {
        if (f.type === 'permission_request') {
          if (!opts.quiet) progress(`permission ${shortId(f.permission_id)} asked: ${f.title} (answer: boocode permit ${shortId(f.permission_id)} allow|always|reject)`);
          prompt?.offer(f);
        }
        if (f.type === 'permission_resolved') prompt?.resolved(f.permission_id);
        if (!runId || !isRunFrame(f, runId)) return false;
        await onFrame(f);
        return f.type === 'workflow_run' && RUN_FINISHED.has(f.run.status);
      },
      ...(opts.quiet ? {} : { heartbeat: () => runId && progress(`still waiting for run ${shortId(runId)}…`) }),
    });
  } finally {
    prompt?.close();
  }
  if (!runId) throw new CliError(ExitCode.Interrupted, 'interrupted before the run was started');
  const r = shortId(runId);
  let stopped: CliError | null = null;
  if (end === 'timeout') stopped = new CliError(ExitCode.Failure, `still running after ${formatDuration(opts.timeoutMs ?? 0)}; the run goes on (boocode workflow logs -f ${r})`);
  else if (end === 'interrupted' && opts.cancelOnInterrupt) {
    await api.call('cancelWorkflowRun', { params: { id: runId } });
    stopped = new CliError(ExitCode.Interrupted, 'interrupted: the run was cancelled');
  } else if (end === 'interrupted') stopped = new CliError(ExitCode.Interrupted, `detached: the run goes on (boocode workflow logs -f ${r}, boocode workflow cancel ${r})`);
  return { run: await api.call('getWorkflowRun', { params: { id: runId } }), stopped };
}

/** The exit code of a run that was followed to its end: 0 when it completed, else 5. */
export const runExit = (run: WorkflowRun): ExitCode => (run.status === 'completed' ? ExitCode.Ok : ExitCode.TurnFailed);
