import type { Project, Session } from '@boocode/contracts';
import type { SessionActivity } from '../stream/WorkspaceStore';

/** One line of the board: what a person scans for across every project. */
export type BoardState = 'permission' | 'failed' | 'finished' | 'running' | 'idle' | 'archived';

export interface BoardRow {
  session: Session;
  projectName: string;
  state: BoardState;
}

export const STATE_LABEL: Record<BoardState, string> = {
  permission: 'needs permission',
  failed: 'failed',
  finished: 'finished',
  running: 'running',
  idle: 'idle',
  archived: 'archived',
};

/** What needs the user sorts first, then work in progress, then the rest. */
const STATE_ORDER: BoardState[] = ['permission', 'failed', 'finished', 'running', 'idle', 'archived'];

export function stateOf(s: Session, activity: SessionActivity | undefined): BoardState {
  if (s.status === 'archived') return 'archived';
  if (s.attention) return s.attention;
  if (activity === 'awaiting_permission') return 'permission';
  return activity === 'running' ? 'running' : 'idle';
}

export type SortKey = 'activity' | 'name' | 'project' | 'state' | 'agent';

export interface BoardQuery {
  project: string | null;
  state: BoardState | null;
  agent: string | null;
  sort: SortKey;
  /** Ascending; the default (newest activity first) is descending. */
  ascending: boolean;
}

export const DEFAULT_QUERY: BoardQuery = { project: null, state: null, agent: null, sort: 'activity', ascending: false };

const byText = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true });

const COMPARE: Record<SortKey, (a: BoardRow, b: BoardRow) => number> = {
  activity: (a, b) => Date.parse(a.session.updated_at) - Date.parse(b.session.updated_at),
  name: (a, b) => byText(a.session.name, b.session.name),
  project: (a, b) => byText(a.projectName, b.projectName),
  // Ascending: what needs the user first.
  state: (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state),
  agent: (a, b) => byText(`${a.session.agent} ${a.session.model ?? ''}`, `${b.session.agent} ${b.session.model ?? ''}`),
};

/** The rows the query selects, in its order (ties broken by newest activity, then id). */
export function boardRows(
  sessions: readonly Session[],
  projects: readonly Project[],
  activity: Record<string, SessionActivity>,
  q: BoardQuery,
): BoardRow[] {
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const rows = sessions
    .map((s) => ({ session: s, projectName: names.get(s.project_id) ?? '', state: stateOf(s, activity[s.id]) }))
    .filter((r) => (q.project === null || r.session.project_id === q.project) && (q.agent === null || r.session.agent === q.agent))
    // Archived sessions show only when asked for: the board is for work in hand.
    .filter((r) => (q.state === null ? r.state !== 'archived' : r.state === q.state));
  const dir = q.ascending ? 1 : -1;
  return rows.sort(
    (a, b) => dir * COMPARE[q.sort](a, b) || COMPARE.activity(b, a) || a.session.id.localeCompare(b.session.id),
  );
}
