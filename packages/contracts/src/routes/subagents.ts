import { IdParams } from '../common.js';
import { SpawnSubagentInput, Subagent, SubagentList, SubagentResult, SubagentResultQuery } from '../subagents.js';
import { SessionDiff } from '../git.js';
import type { RouteDef } from './def.js';

export const subagentRoutes = {
  listSubagents: {
    method: 'GET',
    path: '/api/sessions/:id/subagents',
    summary: "A session's background subagents (children of its turns, and theirs), newest first",
    tag: 'subagents',
    params: IdParams,
    response: SubagentList,
    status: 200,
    errors: [],
  },
  spawnSubagent: {
    method: 'POST',
    path: '/api/tasks/:id/subagents',
    summary: 'Spawn a background subagent as a child of a task (a turn): a task of its own, in a chat of its own',
    tag: 'subagents',
    params: IdParams,
    body: SpawnSubagentInput,
    response: Subagent,
    status: 201,
    // Past a limit (at once, per turn, depth); an archived session; a task outside any session.
    errors: ['subagent_limit', 'session_archived', 'invalid_request'],
  },
  getSubagent: {
    method: 'GET',
    path: '/api/subagents/:id',
    summary: "A background subagent with its final answer (`text`, null until it ended); `wait_seconds` waits for it to end",
    tag: 'subagents',
    params: IdParams,
    query: SubagentResultQuery,
    response: SubagentResult,
    status: 200,
    errors: [],
  },
  getSubagentDiff: {
    method: 'GET',
    path: '/api/subagents/:id/diff',
    summary: "What a subagent in its own worktree changed: the live diff against the commit its worktree was cut from",
    tag: 'subagents',
    params: IdParams,
    response: SessionDiff,
    status: 200,
    // It shares its session's worktree (its changes are the session's), or its worktree is gone.
    errors: ['no_worktree'],
  },
} as const satisfies Record<string, RouteDef>;
