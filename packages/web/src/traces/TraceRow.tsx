import { Children, useId, useState, type ReactNode } from 'react';
import { toolTarget } from '../chat/toolTarget';
import { Icon } from '../ui/Icon';
import { previewJson, truncate } from '../ui/format';
import type { TraceView } from './groupByTurn';
import { formatDuration } from './latency';
import { LatencyBar } from './LatencyBar';

/** A tool call; `children`: the turns of the background agents it spawned, nested under it. */
export function TraceRow({
  trace,
  turnStartMs,
  turnDurationMs,
  children,
}: {
  trace: TraceView;
  turnStartMs: number;
  turnDurationMs: number;
  children?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const failed = trace.outcome === 'error';
  return (
    <li className={`trace${failed ? ' trace--error' : ''}`}>
      <button type="button" className="trace__head" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={10} />
        <span className="trace__name">{trace.toolName}</span>
        <span className="trace__target">{toolTarget(trace.input, 40) ?? ''}</span>
        <span className="trace__flag">{failed ? <Icon name="alert" size={12} /> : null}</span>
        <LatencyBar
          startMs={Date.parse(trace.startedAt)}
          latencyMs={trace.latencyMs}
          turnStartMs={turnStartMs}
          turnDurationMs={turnDurationMs}
        />
        <span className="trace__latency">{trace.outcome === null ? 'running' : formatDuration(trace.latencyMs)}</span>
      </button>
      {open ? (
        <div className="trace__body" id={id}>
          <h4>Input</h4>
          <pre tabIndex={0}>{previewJson(trace.input)}</pre>
          {trace.output !== null ? (
            <>
              <h4>Output</h4>
              <pre tabIndex={0}>{truncate(trace.output, 20_000) || '(empty)'}</pre>
            </>
          ) : null}
          {trace.error ? (
            <>
              <h4>Error</h4>
              <pre tabIndex={0} className="trace__error">
                {trace.error}
              </pre>
            </>
          ) : null}
        </div>
      ) : null}
      {Children.count(children) > 0 ? (
        <ul className="trace__spawned" aria-label={`Background agents started by ${trace.toolName}`}>
          {children}
        </ul>
      ) : null}
    </li>
  );
}
