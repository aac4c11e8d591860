import { IdParams } from '../common.js';
import { StartWorkflowRunBody, WorkflowCatalog, WorkflowLogList, WorkflowLogQuery, WorkflowRun, WorkflowRunDetail, WorkflowRunList } from '../workflows.js';
import type { RouteDef } from './def.js';

export const workflowRoutes = {
  listWorkflows: {
    method: 'GET',
    path: '/api/projects/:id/workflows',
    summary:
      "The workflows a session of the project can run: the project's .boocode/workflows and .claude/workflows, BOOCODE_HOME/workflows and the built-ins (the first of a name wins), and the files that cannot be offered",
    tag: 'workflows',
    params: IdParams,
    response: WorkflowCatalog,
    status: 200,
    errors: [],
  },
  startWorkflowRun: {
    method: 'POST',
    path: '/api/sessions/:id/workflow-runs',
    summary: 'Start a workflow run in a session: a workflow by name, a script, or a re-run of an earlier run (resume_from)',
    tag: 'workflows',
    params: IdParams,
    body: StartWorkflowRunBody,
    response: WorkflowRun,
    status: 201,
    // A script that does not parse or has a bad meta; a name or resume_from that names nothing;
    // an archived session; a Node on which the sandbox cannot run.
    errors: ['invalid_workflow', 'not_found', 'session_archived', 'workflows_unavailable'],
  },
  listWorkflowRuns: {
    method: 'GET',
    path: '/api/sessions/:id/workflow-runs',
    summary: "A session's workflow runs, newest first",
    tag: 'workflows',
    params: IdParams,
    response: WorkflowRunList,
    status: 200,
    errors: [],
  },
  getWorkflowRun: {
    method: 'GET',
    path: '/api/workflow-runs/:id',
    summary: 'A workflow run with its agents (label, phase, status, cached, task, usage, result), in start order',
    tag: 'workflows',
    params: IdParams,
    response: WorkflowRunDetail,
    status: 200,
    errors: [],
  },
  listWorkflowRunLogs: {
    method: 'GET',
    path: '/api/workflow-runs/:id/logs',
    summary: "A workflow run's log() lines in order (the newest 2,000 of a run are kept), after after_line when given",
    tag: 'workflows',
    params: IdParams,
    query: WorkflowLogQuery,
    response: WorkflowLogList,
    status: 200,
    errors: [],
  },
  cancelWorkflowRun: {
    method: 'POST',
    path: '/api/workflow-runs/:id/cancel',
    summary: 'Cancel a workflow run: a pending one at once, a running one through the worker running it (its agents are cancelled too)',
    tag: 'workflows',
    params: IdParams,
    response: WorkflowRun,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
