import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { StartWorkflowRunBody, WorkflowCatalogEntry, WorkflowRun } from '@boocode/contracts';
import { formatTime } from '../ui/format';
import { Spinner } from '../ui/Spinner';
import { parseArgs } from './argsJson';
import { WorkflowError } from './errors';
import { runFinished } from './runState';
import type { WorkflowState, WorkflowStore } from './WorkflowStore';

export const SOURCE_LABEL: Record<WorkflowCatalogEntry['source'] | 'script', string> = {
  builtin: 'built-in',
  project: 'project',
  claude: '.claude',
  home: 'user',
  script: 'script',
};

const phaseTitle = (p: WorkflowCatalogEntry['phases'][number]) => (typeof p === 'string' ? p : p.title);

/** Picks a workflow of the project's catalog, takes its args as JSON and runs it (or resumes an earlier run). */
export function Launcher({
  store,
  state,
  projectId,
  archived,
  onStarted,
  preselect,
}: {
  store: WorkflowStore;
  state: WorkflowState;
  projectId: string;
  archived: boolean;
  onStarted: (run: WorkflowRun) => void;
  /** Picked elsewhere (the command palette): selected once the catalog has it, with its args focused. */
  preselect?: { name: string; key: number } | null;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const [argsText, setArgsText] = useState('');
  const [budgetText, setBudgetText] = useState('');
  const [resumeFrom, setResumeFrom] = useState('');
  const [argsError, setArgsError] = useState<string | null>(null);
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const [refused, setRefused] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const ids = { args: useId(), argsHelp: useId(), budget: useId(), resume: useId() };

  useEffect(() => void store.loadCatalog(projectId), [store, projectId]);
  const catalog = state.catalog;
  const entry = catalog?.items.find((w) => w.name === selected) ?? null;
  // Earlier finished runs of the same workflow in this session: their unchanged agents are reused.
  const earlier = useMemo(() => (state.runs ?? []).filter((r) => r.name === selected && runFinished(r)), [state.runs, selected]);

  const pick = (name: string) => {
    setSelected(name);
    setResumeFrom('');
    setRefused(null);
    setArgsError(null);
  };
  const argsBox = useRef<HTMLTextAreaElement>(null);
  const preselected = useRef<number | null>(null);
  const focusArgs = useRef(false);
  const hasPreselect = Boolean(preselect && catalog?.items.some((w) => w.name === preselect.name));
  useEffect(() => {
    if (!preselect || !hasPreselect || preselected.current === preselect.key) return;
    preselected.current = preselect.key;
    focusArgs.current = true;
    pick(preselect.name);
  }, [preselect, hasPreselect]);
  useEffect(() => {
    if (!focusArgs.current || selected !== preselect?.name) return;
    focusArgs.current = false;
    argsBox.current?.focus();
    argsBox.current?.scrollIntoView({ block: 'nearest' });
  }, [selected, preselect]);

  const launch = async () => {
    if (!entry) return;
    const args = parseArgs(argsText);
    setArgsError(args.ok ? null : args.message);
    const budget = budgetText.trim() === '' ? undefined : Number(budgetText);
    const budgetBad = budget !== undefined && !(Number.isInteger(budget) && budget > 0);
    setBudgetError(budgetBad ? 'The budget is a whole number of output tokens above zero, or empty for no cap.' : null);
    if (!args.ok || budgetBad) return;
    const body: StartWorkflowRunBody = {
      name: entry.name,
      ...(args.value === undefined ? {} : { args: args.value }),
      ...(budget === undefined ? {} : { budget }),
      ...(resumeFrom ? { resume_from: resumeFrom } : {}),
    };
    setStarting(true);
    setRefused(null);
    try {
      onStarted(await store.startRun(body));
    } catch (err) {
      setRefused(err);
    } finally {
      setStarting(false);
    }
  };

  // Right under the picked workflow, so it is in view on a phone too.
  const form = entry ? (
    <form
      className="wf-form"
      aria-label={`Run ${entry.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void launch();
      }}
    >
      <label htmlFor={ids.args}>Args (JSON)</label>
      <textarea
        ref={argsBox}
        id={ids.args}
        className="wf-form__args"
        rows={5}
        spellCheck={false}
        placeholder={'{"task": "…"}  or  "a question"  (empty: no args)'}
        aria-invalid={argsError !== null}
        aria-describedby={ids.argsHelp}
        value={argsText}
        onChange={(e) => {
          setArgsText(e.target.value);
          if (argsError) setArgsError(null);
        }}
        onBlur={() => {
          const r = parseArgs(argsText);
          setArgsError(r.ok ? null : r.message);
        }}
      />
      {argsError ? (
        <p id={ids.argsHelp} className="wf-error" role="alert">
          {argsError}
        </p>
      ) : (
        <p id={ids.argsHelp} className="wf-form__help">
          The script reads this as <code>args</code>.
        </p>
      )}
      <div className="wf-form__row">
        <span className="wf-form__field">
          <label htmlFor={ids.budget}>Budget (output tokens)</label>
          <input id={ids.budget} inputMode="numeric" placeholder="no cap" value={budgetText} aria-invalid={budgetError !== null} onChange={(e) => setBudgetText(e.target.value)} />
        </span>
        <span className="wf-form__field">
          <label htmlFor={ids.resume}>Resume from</label>
          <select id={ids.resume} value={resumeFrom} onChange={(e) => setResumeFrom(e.target.value)} disabled={earlier.length === 0}>
            <option value="">{earlier.length ? 'Nothing: run every agent' : 'No earlier run of this workflow'}</option>
            {earlier.map((r) => (
              <option key={r.id} value={r.id}>
                {formatTime(r.created_at)} · {r.status} · {r.agent_counts.total} agents
              </option>
            ))}
          </select>
        </span>
      </div>
      {budgetError ? (
        <p className="wf-error" role="alert">
          {budgetError}
        </p>
      ) : null}
      <WorkflowError error={refused} />
      <div className="wf-form__actions">
        <button type="submit" className="button button--primary" disabled={starting || archived}>
          {starting ? 'Starting…' : resumeFrom ? `Resume ${entry.name}` : `Run ${entry.name}`}
        </button>
        {archived ? <span className="wf-form__help">This session is archived.</span> : null}
      </div>
    </form>
  ) : null;

  if (!catalog) return state.loadError ? <WorkflowError error={new Error(state.loadError)} /> : <Spinner label="Loading workflows" />;
  return (
    <div className="wf-launcher">
      {entry ? null : <p className="wf-form__help">Pick a workflow to run it in this session.</p>}
      <ul className="wf-catalog" aria-label="Workflows">
        {catalog.items.map((w) => (
          <li key={w.name}>
            <button type="button" className="wf-catalog__item" aria-pressed={w.name === selected} onClick={() => pick(w.name)}>
              <span className="wf-catalog__head">
                <span className="wf-catalog__name">{w.name}</span>
                <span className={`badge wf-source wf-source--${w.source}`} title={w.path ?? 'ships with BooCode'}>
                  {SOURCE_LABEL[w.source]}
                </span>
              </span>
              <span className="wf-catalog__desc">{w.description}</span>
              {w.whenToUse ? <span className="wf-catalog__when">When to use: {w.whenToUse}</span> : null}
              {w.phases.length ? (
                <span className="wf-catalog__phases" aria-label="Phases">
                  {w.phases.map((p, i) => (
                    <span key={i} className="wf-chip">
                      {phaseTitle(p)}
                    </span>
                  ))}
                </span>
              ) : null}
            </button>
            {w.name === selected ? form : null}
          </li>
        ))}
      </ul>
      {catalog.problems.length ? (
        <details className="wf-problems">
          <summary>
            {catalog.problems.length} workflow file{catalog.problems.length === 1 ? '' : 's'} could not be read
          </summary>
          <ul>
            {catalog.problems.map((p) => (
              <li key={p.path}>
                <code>{p.path}</code>: {p.error}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
