import { memo, useId, useState } from 'react';
import type { ToolCallView } from '../stream/sessionState';
import { formatDuration } from '../traces/latency';
import { Icon } from '../ui/Icon';
import { previewJson, truncate } from '../ui/format';
import { toolTarget } from './toolTarget';

const STATUS_LABEL: Record<ToolCallView['status'], string> = {
  running: 'running',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A compact tool call: name, target, status, duration; input and output on demand. */
export const ToolCallCard = memo(function ToolCallCard({ call }: { call: ToolCallView }) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const target = toolTarget(call.input);
  return (
    <div className={`tool-card tool-card--${call.status}`}>
      <button
        type="button"
        className="tool-card__head"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="tool-card__status" aria-label={STATUS_LABEL[call.status]}>
          {call.status === 'running' ? (
            <span className="spinner spinner--small" aria-hidden="true" />
          ) : (
            <Icon name={call.status === 'completed' ? 'check' : call.status === 'failed' ? 'alert' : 'stop'} size={12} />
          )}
        </span>
        <span className="tool-card__name">{call.name}</span>
        {target ? <span className="tool-card__target">{target}</span> : <span className="tool-card__target" />}
        <span className="tool-card__duration">{call.status === 'running' ? 'running' : formatDuration(call.latencyMs)}</span>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
      </button>
      {call.error && !open ? <div className="tool-card__error-line">{call.error.split('\n')[0]}</div> : null}
      {open ? (
        <div className="tool-card__body" id={bodyId}>
          <div className="tool-card__section">
            <h4>Input</h4>
            <pre tabIndex={0}>{previewJson(call.input)}</pre>
          </div>
          {call.output !== null ? (
            <div className="tool-card__section">
              <h4>Output</h4>
              <pre tabIndex={0}>{truncate(call.output, 20_000) || '(empty)'}</pre>
            </div>
          ) : null}
          {call.error ? (
            <div className="tool-card__section tool-card__section--error">
              <h4>Error</h4>
              <pre tabIndex={0}>{call.error}</pre>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
});
