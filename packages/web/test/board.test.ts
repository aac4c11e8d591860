import { describe, expect, it } from 'vitest';
import type { Project, Session, SessionStats } from '@boocode/contracts';
import { boardRows, costText, DEFAULT_QUERY } from '../src/board/rows';
import { uuid } from './fixtures';

const project = (n: number, name: string): Project => ({ id: uuid(n), name, path: `/r/${name}`, created_at: '2026-01-01T00:00:00Z' }) as Project;
const session = (n: number, p: number, over: Partial<Session> = {}): Session => ({
  id: uuid(n),
  project_id: uuid(p),
  name: `s${n}`,
  agent: 'native',
  model: null,
  mode: null,
  status: 'open',
  permission_policy: 'ask',
  isolated: true,
  base_branch: null,
  subagent_followup: true,
  attention: null,
  policy_support: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: `2026-01-01T00:00:0${n}Z`,
  ...over,
});

describe('board rows', () => {
  const projects = [project(100, 'alpha'), project(101, 'beta')];
  const sessions = [
    session(1, 100),
    session(2, 100, { attention: 'failed' }),
    session(3, 101, { agent: 'opencode' }),
    session(4, 101, { status: 'archived' }),
    session(5, 101, { attention: 'permission' }),
  ];
  const names = (q = DEFAULT_QUERY, activity = {}) => boardRows(sessions, projects, activity, new Map(), q).map((r) => r.session.name);

  it('lists open sessions, newest activity first; archived only when asked for', () => {
    expect(names()).toEqual(['s5', 's3', 's2', 's1']);
    expect(names({ ...DEFAULT_QUERY, state: 'archived' })).toEqual(['s4']);
  });

  it('takes the state from stored attention, then live activity', () => {
    const rows = boardRows(sessions, projects, { [uuid(1)]: 'running' }, new Map(), DEFAULT_QUERY);
    expect(Object.fromEntries(rows.map((r) => [r.session.name, r.state]))).toEqual({ s1: 'running', s2: 'failed', s3: 'idle', s5: 'permission' });
  });

  it('filters by project, state and agent, and sorts by any column both ways', () => {
    expect(names({ ...DEFAULT_QUERY, project: uuid(101) })).toEqual(['s5', 's3']);
    expect(names({ ...DEFAULT_QUERY, agent: 'opencode' })).toEqual(['s3']);
    expect(names({ ...DEFAULT_QUERY, state: 'failed' })).toEqual(['s2']);
    expect(names({ ...DEFAULT_QUERY, sort: 'state', ascending: true })).toEqual(['s5', 's2', 's3', 's1']);
    expect(names({ ...DEFAULT_QUERY, sort: 'project', ascending: false })).toEqual(['s5', 's3', 's2', 's1']);
    expect(names({ ...DEFAULT_QUERY, sort: 'name', ascending: true })).toEqual(['s1', 's2', 's3', 's5']);
  });

  const stats = (n: number, over: Partial<SessionStats> = {}): [string, SessionStats] => [
    uuid(n),
    { session_id: uuid(n), diff: null, turns: 1, cost: null, unpriced_turns: 0, unreported_turns: 0, ...over },
  ];

  it('sorts by lines changed and by cost, unknown ones below known zeros', () => {
    const byStats = new Map([
      stats(1, { diff: { files: 1, additions: 3, deletions: 0 }, cost: 0.5 }),
      stats(2, { diff: { files: 4, additions: 10, deletions: 2 }, cost: 0 }),
      stats(3, { cost: null, unpriced_turns: 1 }),
      stats(5, { diff: { files: 2, additions: 0, deletions: 0 }, cost: 0.01 }),
    ]);
    const sorted = (sort: 'changes' | 'cost', ascending: boolean) =>
      boardRows(sessions, projects, {}, byStats, { ...DEFAULT_QUERY, sort, ascending }).map((r) => r.session.name);
    expect(sorted('changes', false)).toEqual(['s2', 's1', 's5', 's3']);
    expect(sorted('changes', true)).toEqual(['s3', 's5', 's1', 's2']);
    expect(sorted('cost', false)).toEqual(['s1', 's5', 's2', 's3']);
  });

  it('says why a cost is unknown instead of showing a number', () => {
    expect(costText(undefined).text).toBe('');
    expect(costText(stats(1, { turns: 0 })[1]).text).toBe('—');
    expect(costText(stats(1, { cost: 0.004 })[1])).toEqual({ text: '$0.0040', title: 'Over 1 turn' });
    expect(costText(stats(1, { cost: null, unpriced_turns: 1 })[1]).text).toBe('no price');
    expect(costText(stats(1, { cost: null, unreported_turns: 1 })[1]).text).toBe('not reported');
    expect(costText(stats(1, { turns: 3, cost: 1.5, unpriced_turns: 1 })[1])).toEqual({ text: '$1.50', title: 'Not counted: 1 turn with no price for the model' });
  });
});
