import { useEffect, useId, useMemo, useState } from 'react';
import type { ModelCall, Subagent, ToolTrace } from '@boocode/contracts';
import { api } from '../api';
import { toolCallFromTrace } from '../stream/fromApi';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';
import { Spinner } from '../ui/Spinner';
import { toTraceView } from './fromToolCalls';
import { formatDuration, formatTokens } from './latency';
import { TraceCallList } from './TraceCallList';
import './nesting.css';

const NO_CALLS: ModelCall[] = [];

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
  const tools = useMemo(() => (loaded?.traces ?? []).map((t) => toTraceView(toolCallFromTrace(t), t.message_id ?? agent.id, t.turn_number)), [loaded, agent.id]);
  const calls = loaded?.calls ?? NO_CALLS;
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
          {loaded && tools.length + calls.length === 0 ? <p className="trace-turn__empty">No tool or model calls yet.</p> : null}
          {tools.length + calls.length > 0 ? (
            <TraceCallList tools={tools} calls={calls} startMs={startMs} durationMs={durationMs} subagents={subagents} now={now} label={`Calls of ${name}`} />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
