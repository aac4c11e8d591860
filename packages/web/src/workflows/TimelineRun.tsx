import type { WorkflowRun } from '@boocode/contracts';
import { formatDuration, formatTokens } from '../traces/latency';
import { formatTime } from '../ui/format';
import { progressOf, RUN_STATUS_TEXT, runFinished, type RunView } from './runState';
import './timeline-run.css';

/**
 * A workflow run in the session timeline, where it was started among the turns: its state,
 * duration, agents and tokens, live from the workflow frames. Opens the run view.
 */
export function TimelineRun({ run: listed, live, onOpen }: { run: WorkflowRun; live: RunView | undefined; onOpen: (runId: string) => void }) {
  // The run as its frames have it since it was listed: agents started and finished, tokens spent.
  const run = live?.run ?? listed;
  const progress = live ? progressOf(live) : null;
  const going = !runFinished(run);
  const took = run.started_at && run.finished_at ? formatDuration(Date.parse(run.finished_at) - Date.parse(run.started_at)) : '…';
  const agents = progress?.started ?? run.agent_counts.total;
  const tokens = progress ? progress.input + progress.spent : run.usage.input_total + run.usage.output;
  const status = run.cancel_requested && going ? 'cancelling' : RUN_STATUS_TEXT[run.status];
  const tone = run.status === 'failed' || run.status === 'cancelled' ? 'failed' : going ? 'running' : 'done';
  return (
    <li className={`timeline__turn timeline__run${going ? ' timeline__turn--running' : ''}`}>
      <span className="timeline__dot timeline__dot--run" aria-hidden="true" />
      <button type="button" className="timeline__card" onClick={() => onOpen(run.id)} aria-label={`Workflow ${run.name}, ${status}. Open the run`}>
        <span className="timeline__title">
          Workflow {run.name}
          <time dateTime={run.created_at}>{formatTime(run.created_at)}</time>
          {tone !== 'done' ? <span className={`badge badge--${tone}`}>{status}</span> : null}
        </span>
        <span className="timeline__model">{run.phase && going ? `phase ${run.phase}` : `${status}${run.error ? `: ${run.error}` : ''}`}</span>
        <span className="timeline__stats">
          <span>
            {agents} agent{agents === 1 ? '' : 's'}
            {(progress?.cached ?? run.agent_counts.cached) ? `, ${progress?.cached ?? run.agent_counts.cached} from cache` : ''}
          </span>
          <span title="input + output tokens of the agents it ran">{formatTokens(tokens)} tok</span>
          <span>{took}</span>
        </span>
      </button>
    </li>
  );
}
