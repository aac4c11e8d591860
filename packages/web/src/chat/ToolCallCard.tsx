import { memo, useId, useMemo, useState } from 'react';
import type { ToolCallView } from '../stream/sessionState';
import { formatDuration } from '../traces/latency';
import { Icon } from '../ui/Icon';
import { truncate } from '../ui/format';
import { toolDisplay, toolTitle, type ToolDisplay } from './toolKinds';
import { ToolBody } from './ToolBody';

const STATUS_LABEL: Record<ToolCallView['status'], string> = {
  running: 'running',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Kinds whose result is the point of the call: shown open, like a terminal or an editor would. */
const OPEN_BY_DEFAULT = new Set<ToolDisplay['kind']>(['edit', 'patch', 'write', 'shell']);

/**
 * One tool call, drawn for what it is: an edit as a diff, a command as terminal output with its
 * exit code, a read as numbered lines, a search as a list of hits. Anything else shows its input
 * and output as text.
 */
export const ToolCallCard = memo(function ToolCallCard({ call }: { call: ToolCallView }) {
  const display = useMemo(() => toolDisplay(call), [call]);
  const [open, setOpen] = useState<boolean | null>(null);
  const isOpen = open ?? OPEN_BY_DEFAULT.has(display.kind);
  const bodyId = useId();
  const { verb, target } = toolTitle(call, display);
  const exit = display.kind === 'shell' && call.status !== 'running' ? display.exitCode : null;
  // A command that exited non-zero ran, but did not succeed: it looks failed.
  const status = exit !== null && exit !== 0 && call.status === 'completed' ? 'failed' : call.status;
  return (
    <div className={`tool-card tool-card--${status} tool-card--${display.kind}`} data-tool={call.name}>
      <button
        type="button"
        className="tool-card__head"
        aria-expanded={isOpen}
        aria-controls={bodyId}
        onClick={() => setOpen(!isOpen)}
        title={display.kind === 'other' ? undefined : call.name}
      >
        <span className="tool-card__status" aria-label={STATUS_LABEL[status]}>
          {status === 'running' ? (
            <span className="spinner spinner--small" aria-hidden="true" />
          ) : (
            <Icon name={status === 'completed' ? 'check' : status === 'failed' ? 'alert' : 'stop'} size={12} />
          )}
        </span>
        <span className="tool-card__name">{verb}</span>
        <span className="tool-card__target">{target ?? ''}</span>
        <span className={`tool-card__exit${exit === 0 || exit === null ? '' : ' tool-card__exit--bad'}`}>
          {exit !== null ? `exit ${exit}` : ''}
        </span>
        <span className="tool-card__duration">{call.status === 'running' ? 'running' : formatDuration(call.latencyMs)}</span>
        <Icon name={isOpen ? 'chevronDown' : 'chevronRight'} size={12} />
      </button>
      {call.error && !isOpen ? <div className="tool-card__error-line">{firstLine(call.error)}</div> : null}
      {isOpen ? (
        <div className="tool-card__body" id={bodyId}>
          <ToolBody call={call} display={display} />
          {call.error && display.kind !== 'shell' ? (
            <div className="tool-card__section tool-card__section--error">
              <h4>Error</h4>
              <pre tabIndex={0}>{truncate(call.error, 20_000)}</pre>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
});

const firstLine = (s: string) => s.split('\n')[0];
