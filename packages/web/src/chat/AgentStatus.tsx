import type { ChatAgentView } from '../stream/sessionState';
import { formatTokens } from '../traces/latency';

/**
 * What the chat's agent reports about its own session: how full its context window is, what
 * it has cost, and its current settings (mode, model...). Read-only: they follow the agent.
 */
export function AgentStatus({ view }: { view: ChatAgentView | undefined }) {
  if (!view) return null;
  const { context } = view;
  const pct = context && context.size > 0 ? Math.round((context.used / context.size) * 100) : null;
  return (
    <div className="agent-status">
      {context ? (
        <span
          className={`agent-status__context${pct !== null && pct >= 80 ? ' agent-status__context--full' : ''}`}
          title="context window used by the agent session"
        >
          context {formatTokens(context.used)}/{formatTokens(context.size)}
          {pct !== null ? ` (${pct}%)` : ''}
          {context.cost !== undefined ? ` · ${context.cost.toFixed(2)} ${context.currency ?? ''}`.trimEnd() : ''}
        </span>
      ) : null}
      {view.mode && !view.options.some((o) => o.category === 'mode') ? <span className="badge">mode: {view.mode}</span> : null}
      {view.options
        // The mode is a select of the agent picker.
        .filter((o) => o.type === 'select' && o.category !== 'mode')
        .map((o) => {
          const current = o.values.find((v) => v.value === o.current_value)?.name ?? String(o.current_value);
          return (
            <span key={o.id} className="badge" title={o.name}>
              {(o.category ?? o.name).toLowerCase()}: {current}
            </span>
          );
        })}
    </div>
  );
}
