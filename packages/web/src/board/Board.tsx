import { useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { routeSearch } from '../shell/route';
import { useWorkspace } from '../stream/useWorkspace';
import { EmptyState } from '../ui/EmptyState';
import { formatTime } from '../ui/format';
import { boardRows, costText, DEFAULT_QUERY, STATE_LABEL, type BoardQuery, type BoardRow, type BoardState, type SortKey } from './rows';
import { useSessionStats } from './useSessionStats';

/** Columns whose first click shows the biggest first: the newest, the largest change, the dearest. */
const DESCENDING_FIRST = new Set<SortKey>(['activity', 'changes', 'cost']);

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Session' },
  { key: 'project', label: 'Project' },
  { key: 'state', label: 'Status' },
  { key: 'agent', label: 'Agent and model' },
  { key: 'changes', label: 'Changes' },
  { key: 'cost', label: 'Cost' },
  { key: 'activity', label: 'Last activity' },
];

/**
 * Every session of every project on one page, to see at a glance which want you. Arrow keys
 * (or j and k) move between rows, Enter opens one.
 */
export function Board({ onOpenSession }: { onOpenSession: (id: string) => void }) {
  const { view } = useWorkspace();
  const [q, setQ] = useState<BoardQuery>(DEFAULT_QUERY);
  const { stats, failed } = useSessionStats(view);
  const rows = useMemo(() => boardRows(view.sessions, view.projects, view.activity, stats, q), [view.sessions, view.projects, view.activity, stats, q]);
  const agents = useMemo(() => [...new Set(view.sessions.map((s) => s.agent))].sort(), [view.sessions]);
  const body = useRef<HTMLTableSectionElement>(null);

  const sortBy = (key: SortKey) => setQ((prev) => ({ ...prev, sort: key, ascending: prev.sort === key ? !prev.ascending : !DESCENDING_FIRST.has(key) }));
  const open = (e: MouseEvent, id: string) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    onOpenSession(id);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowDown' || e.key === 'j' ? 1 : e.key === 'ArrowUp' || e.key === 'k' ? -1 : 0;
    if (!step) return;
    const links = [...(body.current?.querySelectorAll<HTMLAnchorElement>('a.board__open') ?? [])];
    if (links.length === 0) return;
    e.preventDefault();
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    links[at < 0 ? 0 : Math.min(links.length - 1, Math.max(0, at + step))]!.focus();
  };

  return (
    <section className="board" aria-labelledby="board-title">
      <header className="board__head">
        <h1 id="board-title">All sessions</h1>
        <div className="board__filters">
          <label>
            Project
            <select value={q.project ?? ''} onChange={(e) => setQ({ ...q, project: e.target.value || null })}>
              <option value="">All</option>
              {view.projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select value={q.state ?? ''} onChange={(e) => setQ({ ...q, state: (e.target.value || null) as BoardState | null })}>
              <option value="">Open</option>
              {(Object.keys(STATE_LABEL) as BoardState[]).map((s) => (
                <option key={s} value={s}>
                  {STATE_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Agent
            <select value={q.agent ?? ''} onChange={(e) => setQ({ ...q, agent: e.target.value || null })}>
              <option value="">All</option>
              {agents.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {failed ? <p className="board__note">Change sizes and costs could not be loaded; they show again once the server answers.</p> : null}
      {rows.length === 0 ? (
        <EmptyState title="No sessions here">{view.sessions.length === 0 ? 'Start one with the + next to a project.' : 'No session matches these filters.'}</EmptyState>
      ) : (
        <div className="board__scroll">
          <table className="board__table" onKeyDown={onKeyDown}>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col" aria-sort={q.sort === c.key ? (q.ascending ? 'ascending' : 'descending') : undefined} className={`board__col--${c.key}`}>
                    <button type="button" className="board__sort" onClick={() => sortBy(c.key)}>
                      {c.label}
                      {q.sort === c.key ? <span aria-hidden="true">{q.ascending ? ' ↑' : ' ↓'}</span> : null}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody ref={body}>
              {rows.map((r) => (
                <tr key={r.session.id} className={`board__row board__row--${r.state}`} onClick={(e) => open(e, r.session.id)}>
                  <td className="board__col--name">
                    <a className="board__open" href={`/${routeSearch({ sessionId: r.session.id, chatId: null })}`} onClick={(e) => open(e, r.session.id)}>
                      {r.session.name}
                    </a>
                  </td>
                  <td className="board__col--project">{r.projectName}</td>
                  <td className="board__col--state">
                    <span className={`badge badge--${r.state}`}>{STATE_LABEL[r.state]}</span>
                  </td>
                  <td className="board__col--agent">
                    {r.session.agent}
                    {r.session.model ? <span className="board__model"> · {r.session.model}</span> : null}
                  </td>
                  <td className="board__col--changes">
                    <Changes row={r} />
                  </td>
                  <td className="board__col--cost">
                    <Cost row={r} />
                  </td>
                  <td className="board__col--activity">
                    <time dateTime={r.session.updated_at}>{formatTime(r.session.updated_at)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Changes({ row }: { row: BoardRow }) {
  if (!row.stats) return null;
  const d = row.stats.diff;
  if (!d) return <span className="board__none">no changes</span>;
  return (
    <span className="board__diff">
      <span>
        <span className="diff-add">+{d.additions}</span> <span className="diff-del">−{d.deletions}</span>
      </span>
      <span className="board__files">
        {d.files} file{d.files === 1 ? '' : 's'}
      </span>
    </span>
  );
}

function Cost({ row }: { row: BoardRow }) {
  const { text, title } = costText(row.stats);
  const known = row.stats?.cost !== null && row.stats?.cost !== undefined;
  return (
    <span className={known ? 'board__cost' : 'board__none'} title={title || undefined}>
      {text}
    </span>
  );
}
