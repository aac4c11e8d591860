import { assertSandboxAvailable, parseWorkflow, SandboxUnavailableError, WorkflowSourceError } from '@boocode/workflows';
import type { AppContext } from '../context.js';
import type { Handlers } from '../route.js';
import { DomainError, notFound } from '../../errors.js';
import { getProject } from '../../db/projects.js';
import { getSession } from '../../db/sessions.js';
import {
  getWorkflowRun,
  insertWorkflowRun,
  listWorkflowRuns,
  listWorkflowSteps,
  requestWorkflowRunCancel,
  toWorkflowRun,
  unfinishedCallTasks,
  type WorkflowRunRow,
} from '../../db/workflows.js';
import { listWorkflowLogs } from '../../db/workflow-logs.js';
import { catalogResponse, loadCatalog } from '../../workflows/catalog.js';

/** A script that cannot run: 400 with where (line and column, or the meta field) in details. */
function invalidWorkflow(field: string, err: WorkflowSourceError): DomainError {
  return new DomainError('invalid_workflow', `${field}: ${err.message}`, { kind: err.kind, ...err.where });
}

export function workflowHandlers(ctx: AppContext): Handlers<'listWorkflows' | 'startWorkflowRun' | 'listWorkflowRuns' | 'getWorkflowRun' | 'listWorkflowRunLogs' | 'cancelWorkflowRun'> {
  const { sql, broker } = ctx;
  const announce = (run: WorkflowRunRow) => broker.publish(run.session_id, { type: 'workflow_run', run: toWorkflowRun(run) });
  return {
    listWorkflows: async ({ params }) => {
      const project = await getProject(sql, params.id);
      if (!project) throw notFound('project', params.id);
      return catalogResponse(await loadCatalog(project.path, ctx.home));
    },
    startWorkflowRun: async ({ params, body }) => {
      const session = await getSession(sql, params.id);
      if (!session) throw notFound('session', params.id);
      if (session.status === 'archived') throw new DomainError('session_archived', `session ${session.id} is archived`);
      try {
        assertSandboxAvailable();
      } catch (err) {
        if (err instanceof SandboxUnavailableError) throw new DomainError('workflows_unavailable', err.message);
        throw err;
      }
      let prior: WorkflowRunRow | null = null;
      if (body.resume_from) {
        prior = await getWorkflowRun(sql, body.resume_from);
        if (prior?.session_id !== session.id) throw new DomainError('not_found', `resume_from: no workflow run ${body.resume_from} in this session`);
      }
      let launch: { source: WorkflowRunRow['source']; script: string; field: string };
      if (body.script !== undefined) {
        launch = { source: 'script', script: body.script, field: 'script' };
      } else if (body.name !== undefined) {
        const project = await getProject(sql, session.project_id);
        if (!project) throw notFound('project', session.project_id);
        const catalog = await loadCatalog(project.path, ctx.home);
        const found = catalog.workflows.get(body.name);
        if (!found) {
          const unreadable = catalog.problems.length ? ` (${catalog.problems.length} workflow file(s) could not be read: see GET /api/projects/${project.id}/workflows)` : '';
          throw new DomainError('not_found', `name: no workflow named ${JSON.stringify(body.name)}${unreadable}`);
        }
        launch = { source: found.source, script: found.script, field: `workflow ${found.name} (${found.path ?? 'built-in'})` };
      } else {
        launch = { source: prior!.source, script: prior!.script, field: 'resume_from' };
      }
      let name: string;
      try {
        name = parseWorkflow(launch.script).meta.name;
      } catch (err) {
        if (err instanceof WorkflowSourceError) throw invalidWorkflow(launch.field, err);
        throw err;
      }
      // Re-running a run as it was (resume_from alone) takes its args and budget too.
      const rerun = body.script === undefined && body.name === undefined && prior !== null;
      const args = 'args' in body ? body.args : rerun ? toWorkflowRun(prior!).args : undefined;
      const run = await insertWorkflowRun(sql, {
        projectId: session.project_id,
        sessionId: session.id,
        name,
        source: launch.source,
        script: launch.script,
        args,
        budget: body.budget ?? (rerun ? prior!.budget : null),
        resumeFrom: prior?.id ?? null,
      });
      if (!run) throw new DomainError('session_archived', `session ${session.id} is archived`);
      announce(run);
      ctx.log.info({ run_id: run.id, session_id: session.id, workflow: run.name, source: run.source, resume_from: run.resume_from }, 'workflow run queued');
      return toWorkflowRun(run);
    },
    listWorkflowRuns: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { items: (await listWorkflowRuns(sql, params.id)).map(toWorkflowRun) };
    },
    getWorkflowRun: async ({ params }) => {
      const run = await getWorkflowRun(sql, params.id);
      if (!run) throw notFound('workflow run', params.id);
      return { ...toWorkflowRun(run), agents: await listWorkflowSteps(sql, run.id) };
    },
    listWorkflowRunLogs: async ({ params, query }) => {
      if (!(await getWorkflowRun(sql, params.id))) throw notFound('workflow run', params.id);
      return listWorkflowLogs(sql, params.id, query.after_line);
    },
    cancelWorkflowRun: async ({ params }) => {
      const run = await requestWorkflowRunCancel(sql, params.id);
      if (!run) throw notFound('workflow run', params.id);
      // Cancelled at once (no worker hosts it): agents left queued by a worker that let it go stop too.
      if (run.status === 'cancelled') for (const id of await unfinishedCallTasks(sql, run.id)) await ctx.tasks.cancel(id);
      announce(run);
      ctx.log.info({ run_id: run.id, status: run.status }, 'workflow run cancel requested');
      return toWorkflowRun(run);
    },
  };
}
