import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { WorkflowRun } from '@boocode/contracts';
import { Markdown } from '../markdown/Markdown';
import type { TaskView } from '../stream/sessionState';
import { formatCost } from '../traces/cacheTone';
import { formatDuration, formatElapsed, formatTokens } from '../traces/latency';
import { formatTime } from '../ui/format';
import { AgentRow } from './AgentRow';
import { WorkflowError } from './errors';
import { JsonTree } from './JsonTree';
import { SOURCE_LABEL } from './Launcher';
import { displayStatus, groupByPhase, progressOf, RUN_STATUS_TEXT, runFinished, type AgentView, type RunView as RunState } from './runState';
import type { WorkflowStore } from './WorkflowStore';

const ROW = 46;
const HEAD = 30;
/** Log lines rendered: the newest ones; older ones stay in memory. */
const LOG_SHOWN = 500;


type Item = { kind: 'phase'; phase: string | null; count: number; done: number } | { kind: 'agent'; agent: AgentView };

/** A run live: progress, budget, controls, its agents grouped by phase, log lines and result. */
export function RunView({
  store,
  view,
  tasks,
  onOpenAgent,
  onStarted,
}: {
  store: WorkflowStore;
  view: RunState;
  tasks: Record<string, TaskView>;
  onOpenAgent: (position: number) => void;
  onStarted: (run: WorkflowRun) => void;
}) {
  const { run } = view;
  const finished = runFinished(run);
  const [now, setNow] = useState(() => Date.now());
  const [refused, setRefused] = useState<unknown>(null);
  const [busy, setBusy] = useState<'cancel' | 'resume' | 'rerun' | null>(null);
  const [cancelling, setCancelling] = useState<ReadonlySet<number>>(new Set());

  // Durations of running agents grow with the clock; one timer for the whole list.
  useEffect(() => {
    if (finished) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [finished]);

  const items = useMemo<Item[]>(() => {
    const out: Item[] = [];
    for (const g of groupByPhase(view)) {
      out.push({ kind: 'phase', phase: g.phase, count: g.agents.length, done: g.agents.filter((a) => a.status !== 'running').length });
      for (const a of g.agents) out.push({ kind: 'agent', agent: a });
    }
    return out;
  }, [view]);
  const progress = useMemo(() => progressOf(view), [view]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  // The list sits below the header inside the same scroller: the virtualizer needs its offset.
  useLayoutEffect(() => {
    const m = listRef.current?.offsetTop ?? 0;
    if (m !== margin) setMargin(m);
  });
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]!.kind === 'phase' ? HEAD : ROW),
    overscan: 8,
    scrollMargin: margin,
    getItemKey: (i) => {
      const it = items[i]!;
      return it.kind === 'phase' ? `p:${it.phase ?? ''}` : `a:${it.agent.position}`;
    },
  });

  const act = async (kind: 'cancel' | 'resume' | 'rerun') => {
    setBusy(kind);
    setRefused(null);
    try {
      if (kind === 'cancel') await store.cancelRun(run.id);
      else if (kind === 'resume') onStarted(await store.startRun({ resume_from: run.id }));
      else onStarted(await store.startRun({ name: run.name, ...(run.args === undefined ? {} : { args: run.args }), ...(run.budget ? { budget: run.budget } : {}) }));
    } catch (err) {
      setRefused(err);
    } finally {
      setBusy(null);
    }
  };
  const cancelAgent = useCallback(
    async (a: AgentView) => {
      if (!a.taskId) return;
      setCancelling((s) => new Set(s).add(a.position));
      setRefused(null);
      try {
        await store.cancelAgent(a.taskId);
      } catch (err) {
        setRefused(err);
        setCancelling((s) => {
          const next = new Set(s);
          next.delete(a.position);
          return next;
        });
      }
    },
    [store],
  );

  const started = run.started_at ? Date.parse(run.started_at) : null;
  const elapsed = started === null ? null : run.finished_at ? formatDuration(Date.parse(run.finished_at) - started) : formatElapsed(now - started);
  const spent = progress.spent;
  const pct = progress.started ? Math.round((progress.done / progress.started) * 100) : 0;

  return (
    <div className="wf-run" ref={scrollRef} data-testid="workflow-run">
      <header className="wf-run__head">
        <div className="wf-run__title">
          <h3>{run.name}</h3>
          <span className={`badge wf-run-status wf-run-status--${run.status}`}>{run.cancel_requested && !finished ? 'cancelling' : RUN_STATUS_TEXT[run.status]}</span>
        </div>
        <p className="wf-run__meta">
          {SOURCE_LABEL[run.source]} · started {formatTime(run.created_at)}
          {elapsed ? ` · ${elapsed}` : ''}
          {run.resume_from ? ' · resumed from an earlier run' : ''}
          {run.phase && !finished ? ` · phase ${run.phase}` : ''}
        </p>
        <div className="wf-meter" aria-label="Progress">
          <div className="wf-meter__bar" role="progressbar" aria-valuemin={0} aria-valuemax={progress.started} aria-valuenow={progress.done} aria-label="Agents done">
            <span style={{ width: `${pct}%` }} />
          </div>
          <span className="wf-meter__text" title={run.agent_limit ? `Agents done / started / the most this run may start` : undefined}>
            {progress.done} / {progress.started}
            {run.agent_limit ? ` / ${run.agent_limit}` : ''} agents done / started{run.agent_limit ? ' / limit' : ''}
            {progress.running ? ` · ${progress.running} running` : ''}
            {progress.cached ? ` · ${progress.cached} from cache` : ''}
          </span>
        </div>
        <div className="wf-meter" aria-label="Budget">
          {run.budget ? (
            <div className="wf-meter__bar wf-meter__bar--budget" role="progressbar" aria-valuemin={0} aria-valuemax={run.budget} aria-valuenow={spent} aria-label="Budget spent">
              <span style={{ width: `${Math.min(100, Math.round((spent / run.budget) * 100))}%` }} />
            </div>
          ) : null}
          <span className="wf-meter__text">
            {run.budget ? `${formatTokens(spent)} of ${formatTokens(run.budget)} output tokens spent` : `${formatTokens(spent)} output tokens, no budget cap`}
            {` · ${formatTokens(progress.input)} input`}
            {progress.cost !== null ? ` · ${formatCost(progress.cost)}` : ''}
          </span>
        </div>
        <div className="wf-run__actions">
          <button type="button" className="button button--small button--danger" disabled={finished || run.cancel_requested || busy !== null} onClick={() => void act('cancel')}>
            {run.cancel_requested && !finished ? 'Cancelling…' : 'Cancel run'}
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={!finished || busy !== null}
            title="Run it again, reusing every agent whose prompt and options are unchanged"
            onClick={() => void act('resume')}
          >
            Resume
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={!finished || run.source === 'script' || busy !== null}
            title={run.source === 'script' ? 'A script sent with the request can only be resumed' : 'Run every agent again from the start'}
            onClick={() => void act('rerun')}
          >
            Re-run
          </button>
        </div>
        <WorkflowError error={refused} />
        {run.error ? <p className="wf-run__error">{capital(run.error)}</p> : null}
      </header>

      <div ref={listRef} className="wf-agents" role="table" aria-label="Agents" aria-rowcount={view.agents.length} style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((row) => {
          const it = items[row.index]!;
          return (
            <div
              key={row.key}
              className="wf-agents__item"
              style={{ transform: `translateY(${row.start - margin}px)`, height: row.size }}
            >
              {it.kind === 'phase' ? (
                <div className="wf-phase" role="row">
                  <span className="wf-phase__title" role="rowheader">
                    {it.phase ?? 'Agents'}
                  </span>
                  <span className="wf-phase__count" role="cell">
                    {it.done}/{it.count}
                  </span>
                </div>
              ) : (
                <AgentRow
                  agent={it.agent}
                  status={displayStatus(it.agent, it.agent.taskId ? tasks[it.agent.taskId]?.status : undefined)}
                  now={it.agent.status === 'running' ? now : 0}
                  cancelling={cancelling.has(it.agent.position)}
                  onOpen={onOpenAgent}
                  onCancel={cancelAgent}
                />
              )}
            </div>
          );
        })}
      </div>
      {items.length === 0 ? <p className="wf-form__help">No agent has started yet.</p> : null}

      <section className="wf-section" aria-label="Log">
        <h4>Log</h4>
        {view.logsDropped ? (
          <p className="wf-form__help">
            {view.logsDropped} earlier line{view.logsDropped === 1 ? ' is' : 's are'} no longer kept.
          </p>
        ) : null}
        {view.logs.length ? (
          <LogLines logs={view.logs} first={view.logLine - view.logs.length + 1} />
        ) : (
          <p className="wf-form__help">{finished ? 'The script logged nothing.' : 'The script has not logged anything yet.'}</p>
        )}
      </section>

      {run.status === 'completed' ? (
        <section className="wf-section" aria-label="Result">
          <h4>Result</h4>
          <RunResult value={run.result} />
        </section>
      ) : null}
    </div>
  );
}

/** The newest log lines, numbered as the run numbers them; keyed by that number, so a new line adds one item instead of redrawing all. */
const LogLines = memo(function LogLines({ logs, first }: { logs: readonly string[]; first: number }) {
  const skip = Math.max(0, logs.length - LOG_SHOWN);
  return (
    <ol className="wf-log" start={first + skip}>
      {logs.slice(skip).map((line, i) => (
        <li key={first + skip + i}>{line}</li>
      ))}
    </ol>
  );
});

export function RunResult({ value }: { value: unknown }) {
  if (value === undefined) return <p className="wf-form__help">The script returned nothing.</p>;
  if (typeof value === 'string') return <Markdown source={value} />;
  if (value !== null && typeof value === 'object')
    return (
      <div className="json-tree">
        <JsonTree value={value} />
      </div>
    );
  return <code>{JSON.stringify(value)}</code>;
}

const capital = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
