import type { Project, Session, SessionStats } from '@boocode/contracts';
import type { SessionActivity } from '../stream/WorkspaceStore';
import { formatCost } from '../traces/cacheTone';

/** One line of the board: what a person scans for across every project. */
export type BoardState = 'permission' | 'failed' | 'finished' | 'running' | 'idle' | 'archived';

export interface BoardRow {
  session: Session;
  projectName: string;
  state: BoardState;
  /** Undefined until the stats have loaded (or when they could not be). */
  stats: SessionStats | undefined;
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

export type SortKey = 'activity' | 'name' | 'project' | 'state' | 'agent' | 'changes' | 'cost';

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

/** Lines changed; a session without a pending change (or not loaded yet) counts below an empty one. */
const changedLines = (r: BoardRow) => (r.stats?.diff ? r.stats.diff.additions + r.stats.diff.deletions : -1);
/** A known cost; an unknown one (no price, not reported, no turn yet) sorts below $0. */
const knownCost = (r: BoardRow) => r.stats?.cost ?? -1;

const COMPARE: Record<SortKey, (a: BoardRow, b: BoardRow) => number> = {
  activity: (a, b) => Date.parse(a.session.updated_at) - Date.parse(b.session.updated_at),
  name: (a, b) => byText(a.session.name, b.session.name),
  project: (a, b) => byText(a.projectName, b.projectName),
  // Ascending: what needs the user first.
  state: (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state),
  agent: (a, b) => byText(`${a.session.agent} ${a.session.model ?? ''}`, `${b.session.agent} ${b.session.model ?? ''}`),
  changes: (a, b) => changedLines(a) - changedLines(b) || (a.stats?.diff?.files ?? -1) - (b.stats?.diff?.files ?? -1),
  cost: (a, b) => knownCost(a) - knownCost(b),
};

/** The rows the query selects, in its order (ties broken by newest activity, then id). */
export function boardRows(
  sessions: readonly Session[],
  projects: readonly Project[],
  activity: Record<string, SessionActivity>,
  stats: ReadonlyMap<string, SessionStats>,
  q: BoardQuery,
): BoardRow[] {
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const rows = sessions
    .map((s) => ({ session: s, projectName: names.get(s.project_id) ?? '', state: stateOf(s, activity[s.id]), stats: stats.get(s.id) }))
    .filter((r) => (q.project === null || r.session.project_id === q.project) && (q.agent === null || r.session.agent === q.agent))
    // Archived sessions show only when asked for: the board is for work in hand.
    .filter((r) => (q.state === null ? r.state !== 'archived' : r.state === q.state));
  const dir = q.ascending ? 1 : -1;
  return rows.sort(
    (a, b) => dir * COMPARE[q.sort](a, b) || COMPARE.activity(b, a) || a.session.id.localeCompare(b.session.id),
  );
}

/** The cost cell: a price when one is known, else why not. */
export function costText(stats: SessionStats | undefined): { text: string; title: string } {
  if (!stats) return { text: '', title: '' };
  if (stats.turns === 0) return { text: '—', title: 'No turn has run yet' };
  const unknown = [
    stats.unpriced_turns ? `${stats.unpriced_turns} turn${stats.unpriced_turns === 1 ? '' : 's'} with no price for the model` : '',
    stats.unreported_turns ? `${stats.unreported_turns} turn${stats.unreported_turns === 1 ? '' : 's'} whose agent reported no usage` : '',
  ].filter(Boolean);
  if (stats.cost !== null) return { text: formatCost(stats.cost), title: unknown.length ? `Not counted: ${unknown.join(', ')}` : `Over ${stats.turns} turn${stats.turns === 1 ? '' : 's'}` };
  return stats.unpriced_turns ? { text: 'no price', title: unknown.join(', ') } : { text: 'not reported', title: unknown.join(', ') };
}
