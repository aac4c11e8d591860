import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '@boocode/client';
import type { CliWorkflowLogEntry, CliWorkflowRun, Session, StartWorkflowRunBody, WorkflowCatalog, WorkflowRun, WorkflowRunDetail, WorkflowRunList } from '@boocode/contracts';
import { clientCommand, withExamples, type ClientOptions } from '../command.js';
import { connect, type Connection } from '../connection.js';
import { parseDuration } from '../duration.js';
import { notFoundError, usageError, type CliError } from '../exit-codes.js';
import { resolve, shortId } from '../ids.js';
import { newSessionOptions, openSession, type NewSessionOptions } from '../new-session.js';
import { paintFor, type Paint } from '../output/color.js';
import { outputMode, printEntry, printResult, type OutputMode } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { projectOrCurrent } from '../projects.js';
import { progress } from '../turns/progress.js';
import { followRun, runExit, type FollowTarget } from '../workflows/follow.js';
import { detailText, frameLine, historyLines, runSummary, runTable } from '../workflows/view.js';

interface LaunchOptions extends ClientOptions {
  args?: { value: unknown };
  budget?: number;
  wait?: boolean;
  waitTimeout?: number;
  cancelOnInterrupt?: boolean;
}

/** `--args`: any JSON value (a bare word is not JSON: quote strings, `'"text"'`). */
function parseArgs(text: string): { value: unknown } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    throw new InvalidArgumentError(`must be JSON (${(err as Error).message}); a string needs its quotes: --args '"fix the login bug"'`);
  }
}

function parseBudget(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new InvalidArgumentError('must be a whole number of output tokens, at least 1');
  return n;
}

/** `--args`, `--budget`, `--wait` and the waiting options, shared by `run` and `resume`. */
function launchOptions(cmd: Command): Command {
  return cmd
    .option('--args <json>', "the script's `args`: a JSON value", parseArgs)
    .option('--budget <tokens>', 'hard cap on output tokens across the run', parseBudget)
    .option('--wait', 'follow the run to its end (progress on stderr); exit 5 when it did not complete')
    .option('--wait-timeout <duration>', 'with --wait: stop waiting after this long (30s, 5m, 1h); the run goes on', parseDuration)
    .option('--cancel-on-interrupt', 'with --wait: Ctrl-C cancels the run (by default it only stops waiting)');
}

const workflowPath = (text: string) => text.endsWith('.js') || text.includes('/');

/**
 * A workflow named in the project's catalog must be there; otherwise the message lists what is, and
 * the files that could not be read (a syntax error, a bad meta), since the one meant may be among them.
 */
function checkName(catalog: WorkflowCatalog, name: string): void {
  if (catalog.items.some((w) => w.name === name)) return;
  const known = catalog.items.map((w) => w.name).join(', ') || 'none';
  const problems = catalog.problems.map((p) => `\n  ${p.path}: ${p.error}`).join('');
  throw notFoundError(
    `no workflow named ${name} (the project has: ${known})${problems ? `\n${catalog.problems.length} workflow file(s) could not be read:${problems}` : ''}`,
  );
}

/**
 * Starts a run (or, with `--wait`, starts and follows it), prints it as `CliWorkflowRun` and sets the
 * exit code: a run followed to its end exits 5 unless it completed.
 */
async function launch(conn: Connection, session: Session, body: StartWorkflowRunBody, mode: OutputMode, opts: LaunchOptions): Promise<void> {
  const { api } = conn;
  const start = async (): Promise<WorkflowRun> => {
    const run = await api.call('startWorkflowRun', { params: { id: session.id }, body });
    if (mode !== 'quiet') progress(`${run.name} run ${shortId(run.id)} queued in session ${shortId(session.id)}`);
    return run;
  };
  const target: FollowTarget = { start };
  let result: CliWorkflowRun;
  let stopped: CliError | null = null;
  if (opts.wait) {
    const paint = paintFor(process.stderr);
    const followed = await followRun(
      conn,
      session.id,
      target,
      (f) => {
        const line = mode === 'quiet' ? null : frameLine(f, paint);
        if (line) progress(line);
      },
      { timeoutMs: opts.waitTimeout, cancelOnInterrupt: opts.cancelOnInterrupt, quiet: mode === 'quiet' },
    );
    result = { session, run: followed.run };
    stopped = followed.stopped;
  } else {
    const run = await start();
    result = { session, run: await api.call('getWorkflowRun', { params: { id: run.id } }) };
    if (mode !== 'quiet') progress(`follow it with: boocode workflow logs -f ${shortId(run.id)}`);
  }
  await printResult(mode, { data: result, human: (paint) => detailText(result.run, paint), ids: () => [result.run.id] });
  if (stopped) throw stopped;
  process.exitCode = opts.wait ? runExit(result.run) : 0;
}

/** The runs of one session, or of every open session of a project, newest first. */
async function listRuns(api: ApiClient, opts: { session?: string; project?: string }): Promise<WorkflowRunList> {
  if (opts.session) return api.call('listWorkflowRuns', { params: { id: await resolve(api, opts.session, 'session') } });
  const project = await projectOrCurrent(api, opts.project);
  const sessions = (await api.call('listSessions', { query: { project_id: project.id, status: 'open' } })).items;
  const lists = await Promise.all(sessions.map((s) => api.call('listWorkflowRuns', { params: { id: s.id } })));
  return { items: lists.flatMap((l) => l.items).sort((a, b) => b.created_at.localeCompare(a.created_at)) };
}

function catalogText(c: WorkflowCatalog, paint: Paint): string {
  const parts = [
    c.items.length === 0
      ? 'no workflows\n'
      : renderTable(
          c.items,
          [
            ['NAME', (w) => w.name],
            ['SOURCE', (w) => w.source],
            ['DESCRIPTION', (w) => w.description],
          ],
          paint,
        ),
  ];
  if (c.problems.length) {
    parts.push(`\n${paint.yellow(`${c.problems.length} workflow file(s) could not be read:`)}\n`);
    for (const p of c.problems) parts.push(`  ${p.path}: ${p.error}\n`);
  }
  return parts.join('');
}

const runArg = ['<run>', 'workflow run id or a unique start of it'] as const;

export function registerWorkflows(program: Command): void {
  const group = withExamples(program.command('workflow').description('workflows: JavaScript that drives many agents, journaled and resumable (docs/workflows.md)'), [
    'boocode workflow ls',
    `boocode workflow run deep-research --args '"how are sessions archived?"' --wait`,
  ]);

  clientCommand(
    group
      .command('ls')
      .description("the workflows a session of the project can run: the project's, BOOCODE_HOME's and the built-ins, and the files that cannot be read")
      .option('--project <project>', 'project (id, name or path; default: the one holding the current directory)'),
    ['boocode workflow ls', 'boocode workflow ls --project ~/src/app --json'],
  ).action(async (opts: ClientOptions & { project?: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const project = await projectOrCurrent(api, opts.project);
    const catalog = await api.call('listWorkflows', { params: { id: project.id } });
    await printResult(mode, { data: catalog, human: (paint) => catalogText(catalog, paint), ids: () => catalog.items.map((w) => w.name) });
  });

  clientCommand(
    launchOptions(
      newSessionOptions(
        group
          .command('run')
          .description('start a workflow in a session (a new one in the current project unless --session)')
          .argument('<workflow>', 'a name from `boocode workflow ls`, or a path to a .js file (run as it is)')
          .option('--session <session>', 'run in this session (id or a unique start of it) instead of opening one')
          .option('--agent <agent>', "a new session's agent: the one the workflow's agents run on unless they ask for another")
          .option('--model <model>', "a new session's model"),
      ),
    ),
    [
      'boocode workflow run multi-review --wait',
      "boocode workflow run deep-research --args '\"how are sessions archived?\"' --session 1a2b3c4d",
      'boocode workflow run ./review.js --args \'{"base":"main"}\' --wait --json > run.json',
    ],
  ).action(async (workflow: string, opts: LaunchOptions & NewSessionOptions & { session?: string }) => {
    const mode = outputMode(opts);
    let script: string | undefined;
    if (workflowPath(workflow)) {
      script = await readFile(workflow, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? notFoundError(`no file ${workflow}`) : usageError(`${workflow}: ${err.message}`);
      });
    }
    const conn = await connect(opts);
    const { api } = conn;
    let session: Session;
    if (opts.session) {
      session = await api.call('getSession', { params: { id: await resolve(api, opts.session, 'session') } });
      if (script === undefined) checkName(await api.call('listWorkflows', { params: { id: session.project_id } }), workflow);
    } else {
      // Checked before a session is opened for nothing.
      if (script === undefined) checkName(await api.call('listWorkflows', { params: { id: (await projectOrCurrent(api, opts.project)).id } }), workflow);
      session = (await openSession(api, opts, mode === 'quiet')).session;
    }
    const body: StartWorkflowRunBody = {
      ...(script === undefined ? { name: workflow } : { script }),
      ...(opts.args ? { args: opts.args.value } : {}),
      ...(opts.budget ? { budget: opts.budget } : {}),
    };
    await launch(conn, session, body, mode, opts);
  });

  clientCommand(
    launchOptions(
      group
        .command('resume')
        .description('run a run again: agents whose calls are unchanged answer from its journal, the rest run live')
        .argument(...runArg),
    ),
    ['boocode workflow resume 9f8e7d6c --wait', "boocode workflow resume 9f8e --args '{\"areas\":3}'"],
  ).action(async (text: string, opts: LaunchOptions) => {
    const mode = outputMode(opts);
    const conn = await connect(opts);
    const prior = await conn.api.call('getWorkflowRun', { params: { id: await resolve(conn.api, text, 'workflow_run') } });
    const session = await conn.api.call('getSession', { params: { id: prior.session_id } });
    const body: StartWorkflowRunBody = { resume_from: prior.id, ...(opts.args ? { args: opts.args.value } : {}), ...(opts.budget ? { budget: opts.budget } : {}) };
    await launch(conn, session, body, mode, opts);
  });

  clientCommand(
    group
      .command('status')
      .description("a run with its agents and result; without a run, the runs of a session or of the project's open sessions")
      .argument('[run]', 'workflow run id or a unique start of it')
      .option('--session <session>', 'without a run: only the runs of this session')
      .option('--project <project>', "without a run: the runs of this project's open sessions (default: the current directory's)"),
    ['boocode workflow status', 'boocode workflow status 9f8e7d6c --json'],
  ).action(async (text: string | undefined, opts: ClientOptions & { session?: string; project?: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    if (text === undefined) {
      const list = await listRuns(api, opts);
      await printResult(mode, { data: list, human: (paint) => runTable(list.items, paint), ids: () => list.items.map((r) => r.id) });
      return;
    }
    const run = await api.call('getWorkflowRun', { params: { id: await resolve(api, text, 'workflow_run') } });
    await printResult(mode, { data: run, human: (paint) => detailText(run, paint), ids: () => [run.id] });
  });

  clientCommand(group.command('cancel').description('cancel a run and its running agents').argument(...runArg), ['boocode workflow cancel 9f8e7d6c']).action(
    async (text: string, opts: ClientOptions) => {
      const mode = outputMode(opts);
      const { api } = await connect(opts);
      const run = await api.call('cancelWorkflowRun', { params: { id: await resolve(api, text, 'workflow_run') } });
      await printResult(mode, {
        data: run,
        human: () => (run.status === 'cancelled' ? `cancelled run ${shortId(run.id)}\n` : run.cancel_requested ? `cancelling run ${shortId(run.id)}\n` : `${runSummary(run)}\n`),
        ids: () => [run.id],
      });
    },
  );

  clientCommand(
    group
      .command('logs')
      .description("a run's agents, the lines it logged (the newest 2,000) and how it ended; -f follows it live (phases, agents, log lines) to its end, exit 5 unless it completed")
      .argument(...runArg)
      .option('-f, --follow', 'follow the run until it ends'),
    ['boocode workflow logs 9f8e7d6c', 'boocode workflow logs -f 9f8e --json'],
  ).action(async (text: string, opts: ClientOptions & { follow?: boolean }) => {
    const mode = outputMode(opts);
    const conn = await connect(opts);
    const { api } = conn;
    const run = await api.call('getWorkflowRun', { params: { id: await resolve(api, text, 'workflow_run') } });
    const paint = paintFor(process.stdout);
    const out = (line: string) => process.stdout.write(line + '\n');
    const entry = (e: CliWorkflowLogEntry) => printEntry(mode === 'yaml' ? 'yaml' : 'json', e);
    const taskIds = new Set<string>();
    const id = (taskId: string | null) => {
      if (taskId && !taskIds.has(taskId)) out(taskId);
      if (taskId) taskIds.add(taskId);
    };
    /** The last log line shown: a line the stream sends again (logged before the read) is not repeated. */
    let shownLine = 0;
    /** The run as it stands: its agents so far, the lines it logged and, once it ended, how. */
    const history = async (d: WorkflowRunDetail) => {
      const logs = await api.call('listWorkflowRunLogs', { params: { id: d.id }, query: {} });
      shownLine = logs.items.at(-1)?.line ?? 0;
      if (mode === 'table') historyLines(d, logs, paint).forEach(out);
      else if (mode === 'quiet') d.agents.forEach((a) => id(a.task_id));
      else {
        const { agents, ...head } = d;
        await entry({ type: 'run', run: head });
        for (const agent of agents) await entry({ type: 'agent', agent });
        for (const log of logs.items) await entry({ type: 'log', log });
      }
    };
    if (!opts.follow) return history(run);
    // Read again once the stream is open, so that nothing between the read and the stream is lost.
    const { run: end, stopped } = await followRun(
      conn,
      run.session_id,
      { runId: run.id },
      async (f) => {
        if (f.type === 'workflow_log' && f.line !== undefined && f.line <= shownLine) return;
        if (mode === 'table') {
          const line = frameLine(f, paint);
          if (line) out(line);
        } else if (mode === 'quiet') id(f.type === 'workflow_agent' ? f.task_id : null);
        else await entry({ type: 'frame', frame: f });
      },
      { quiet: mode === 'quiet', onSnapshot: (d, first) => (first ? history(d) : undefined) },
    );
    if (stopped) throw stopped;
    process.exitCode = runExit(end);
  });
}
