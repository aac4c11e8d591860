import type { RouteDef } from './routes/def.js';
import type { RouteName, Routes } from './routes.js';

/**
 * The route table a group at a time, each group's module (and the schemas it builds) loaded on
 * first use. Building every schema of the API is most of a client command's start-up; a client
 * that calls one route needs that route's schemas only. `routes` stays the table the server, the
 * OpenAPI document and the docs check are built from.
 */
const groups = {
  meta: () => import('./routes/core.js').then((m) => m.metaRoutes),
  projects: () => import('./routes/core.js').then((m) => m.projectRoutes),
  sessions: () => import('./routes/core.js').then((m) => m.sessionRoutes),
  messages: () => import('./routes/core.js').then((m) => m.messageRoutes),
  traces: () => import('./routes/traces.js').then((m) => m.traceRoutes),
  permissions: () => import('./routes/permissions.js').then((m) => m.permissionRoutes),
  agents: () => import('./routes/agents.js').then((m) => m.agentRoutes),
  review: () => import('./routes/review.js').then((m) => m.reviewRoutes),
  ids: () => import('./routes/core.js').then((m) => m.idRoutes),
  workflows: () => import('./routes/workflows.js').then((m) => m.workflowRoutes),
  terminals: () => import('./routes/terminals.js').then((m) => m.terminalRoutes),
  subagents: () => import('./routes/subagents.js').then((m) => m.subagentRoutes),
  images: () => import('./routes/images.js').then((m) => m.imageRoutes),
  search: () => import('./routes/search.js').then((m) => m.searchRoutes),
} as const;
type Group = keyof typeof groups;
type GroupRoutes<G extends Group> = Awaited<ReturnType<(typeof groups)[G]>>;
/** The group whose module declares route N: naming the wrong one does not compile. */
type GroupOf<N extends RouteName> = { [G in Group]: N extends keyof GroupRoutes<G> ? G : never }[Group];

const routeGroup: { [N in RouteName]: GroupOf<N> } = {
  health: 'meta', openApi: 'meta', redeemLoginCode: 'meta', login: 'meta', logout: 'meta', logoutAll: 'meta', rotateToken: 'meta', createLoginCode: 'meta',
  listProjects: 'projects', createProject: 'projects', getProject: 'projects', deleteProject: 'projects', getProjectCollisions: 'projects',
  createSession: 'sessions', listSessions: 'sessions', getSession: 'sessions', updateSession: 'sessions', archiveSession: 'sessions', unarchiveSession: 'sessions', markSessionSeen: 'sessions', cancelSession: 'sessions', createChat: 'sessions', listChats: 'sessions', getChat: 'sessions', renameChat: 'sessions',
  listMessages: 'messages', postMessage: 'messages', listSessionTasks: 'messages', getTask: 'messages', cancelTask: 'messages', recoverTask: 'messages',
  listTraces: 'traces', getChatUsage: 'traces', listModelCalls: 'traces', getSessionUsage: 'traces', listSessionStats: 'traces', getProjectUsage: 'traces',
  answerPermission: 'permissions', listAllPermissions: 'permissions', listPermissions: 'permissions',
  listAgents: 'agents', listAgentModels: 'agents', listAgentSessions: 'agents',
  getSessionDiff: 'review', getPendingChange: 'review', applyChange: 'review', rejectChange: 'review', commitSession: 'review', mergeSession: 'review', getSessionBranch: 'review', updateFromBase: 'review', pushSession: 'review',
  resolveIds: 'ids',
  listWorkflows: 'workflows', startWorkflowRun: 'workflows', listWorkflowRuns: 'workflows', getWorkflowRun: 'workflows', cancelWorkflowRun: 'workflows', listWorkflowRunLogs: 'workflows',
  listAllTerminals: 'terminals', listTerminals: 'terminals', createTerminal: 'terminals', getTerminal: 'terminals', renameTerminal: 'terminals', killTerminal: 'terminals', resizeTerminal: 'terminals', sendTerminalKeys: 'terminals', captureTerminal: 'terminals', searchTerminal: 'terminals',
  listSubagents: 'subagents', spawnSubagent: 'subagents', getSubagent: 'subagents', getSubagentDiff: 'subagents',
  getImage: 'images',
  search: 'search',
};

/** Route N of the route table, its group's schemas built on the first call. */
export async function loadRoute<N extends RouteName>(name: N): Promise<Routes[N] & RouteDef> {
  const table: Record<string, RouteDef> = await groups[routeGroup[name]]();
  return table[name] as Routes[N] & RouteDef;
}

/** The error body every route answers a refusal with, built when one comes. */
export const loadErrorBody = () => import('./routes/errors.js').then((m) => m.ErrorBody);
