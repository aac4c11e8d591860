import { useEffect, useId, useMemo, useState } from 'react';
import type { ModelCall, Subagent, ToolTrace } from '@boocode/contracts';
import { api } from '../api';
import { toolCallFromTrace } from '../stream/fromApi';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';
import { Spinner } from '../ui/Spinner';
import { toTraceView } from './fromToolCalls';
import { formatDuration, formatTokens } from './latency';
import { ModelCallRow } from './ModelCallRow';
import { spawnedBy } from './spawnedBy';
import { TraceRow } from './TraceRow';
import './nesting.css';

const STATUS: Record<Subagent['status'], string> = {
  pending: 'queued',
  running: 'running',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  timed_out: 'timed out',
};

/**
 * A background agent's turn nested under the tool call that spawned it: closed, a line with its
 * name, status, tokens and time; opened, its own tool and model calls (and, under those, the
 * agents it spawned in turn), fetched when opened and again when its status changes.
 */
export function SubagentTurn({ agent, subagents, now }: { agent: Subagent; subagents: readonly Subagent[]; now: number }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const [loaded, setLoaded] = useState<{ traces: ToolTrace[]; calls: ModelCall[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!open) return;
    let live = true;
    setError(null);
    Promise.all([
      api.call('listTraces', { params: { id: agent.chat_id }, query: { limit: 200 } }),
      api.call('listModelCalls', { params: { id: agent.chat_id } }),
    ]).then(
      ([traces, calls]) => live && setLoaded({ traces: traces.items, calls: calls.items }),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [open, agent.chat_id, agent.status, attempt]);

  const startMs = agent.started_at ? Date.parse(agent.started_at) : Date.parse(agent.created_at);
  const endMs = agent.finished_at ? Date.parse(agent.finished_at) : now;
  const durationMs = Math.max(1, endMs - startMs);
  const rows = useMemo(
    () =>
      [
        ...(loaded?.traces ?? []).map((t) => {
          const view = toTraceView(toolCallFromTrace(t), t.message_id ?? agent.id, t.turn_number);
          return { at: Date.parse(t.started_at), key: t.id, tool: view, call: null };
        }),
        ...(loaded?.calls ?? []).map((c) => ({ at: Date.parse(c.started_at), key: c.id, tool: null, call: c })),
      ].sort((a, b) => a.at - b.at),
    [loaded, agent.id],
  );
  const tokens = agent.usage.input_total + agent.usage.output;
  const name = agent.label ?? 'Background agent';

  return (
    <li className="trace trace--subagent">
      <button type="button" className="trace-subagent__head" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={10} />
        <span className="trace-subagent__name">{name}</span>
        <span className="trace-subagent__meta">
          {agent.agent} · {STATUS[agent.status]}
          {tokens > 0 ? ` · ${formatTokens(tokens)} tokens` : ''}
          {agent.started_at ? ` · ${agent.status === 'running' ? 'running' : formatDuration(endMs - startMs)}` : ''}
        </span>
      </button>
      {open ? (
        <div id={id} className="trace-subagent__body">
          {error ? <ErrorNotice error={error} compact onRetry={() => setAttempt((n) => n + 1)} /> : null}
          {!loaded && !error ? <Spinner label={`Loading the calls of ${name}`} /> : null}
          {loaded && rows.length === 0 ? <p className="trace-turn__empty">No tool or model calls yet.</p> : null}
          {rows.length > 0 ? (
            <ul className="trace-turn__calls" aria-label={`Calls of ${name}`}>
              {rows.map((r) =>
                r.tool ? (
                  <TraceRow key={r.key} trace={r.tool} turnStartMs={startMs} turnDurationMs={durationMs}>
                    {spawnedBy(r.tool, subagents).map((a) => (
                      <SubagentTurn key={a.id} agent={a} subagents={subagents} now={now} />
                    ))}
                  </TraceRow>
                ) : (
                  <ModelCallRow key={r.key} call={r.call!} turnStartMs={startMs} turnDurationMs={durationMs} />
                ),
              )}
            </ul>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
