import { Option, type Command } from 'commander';
import type { CliSessionOverview, Session } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { formatAge } from '../duration.js';
import { resolve, shortId } from '../ids.js';
import type { Paint } from '../output/color.js';
import { outputMode, printResult } from '../output/format.js';
import { renderFields, renderTable } from '../output/table.js';
import { findProject } from '../projects.js';

const sessionFields = (s: Session): [string, string][] => [
  ['id', s.id],
  ['name', s.name],
  ['status', s.status],
  ['agent', s.agent],
  ['model', s.model ?? '(agent default)'],
  ['policy', s.permission_policy],
  ['worktree', s.isolated ? `yes${s.base_branch ? `, from ${s.base_branch}` : ''}` : 'no (works in the project directory)'],
  ['created', s.created_at],
  ['updated', s.updated_at],
];

function overviewText(o: CliSessionOverview, paint: Paint): string {
  const parts = [renderFields([...sessionFields(o.session), ['project', `${o.project.name} (${o.project.path})`], ['chats', o.chats.map((c) => c.name).join(', ')]], paint)];
  if (o.tasks.length) {
    parts.push(
      '\n' +
        renderTable(
          o.tasks,
          [
            ['TASK', (t) => shortId(t.id)],
            ['STATUS', (t) => t.status],
            ['AGENT', (t) => t.agent],
            ['CREATED', (t) => formatAge(t.created_at)],
            ['ERROR', (t) => t.error ?? ''],
          ],
          paint,
        ),
    );
  }
  const c = o.pending_change;
  if (c) parts.push(`\npending change: ${c.stats.files} file(s) +${c.stats.additions} -${c.stats.deletions} (boocode diff ${shortId(o.session.id)})\n`);
  for (const p of o.permissions) parts.push(paint.magenta(`permission ${shortId(p.id)} waiting: ${p.title} (boocode permit ${shortId(p.id)} allow|always|reject)\n`));
  return parts.join('');
}

export function registerSessions(program: Command): void {
  clientCommand(
    program
      .command('ls')
      .description('list sessions, newest first')
      .option('--project <project>', 'only this project (id, name or path)')
      .addOption(new Option('--status <status>', 'open, archived or all').choices(['open', 'archived', 'all']).default('open'))
      .option('--agent <agent>', 'only sessions of this agent'),
    ['boocode ls', 'boocode ls --project . --status all', 'boocode ls --agent opencode -q'],
  ).action(async (opts: ClientOptions & { project?: string; status: 'open' | 'archived' | 'all'; agent?: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const project = opts.project === undefined ? undefined : await findProject(api, opts.project);
    const list = await api.call('listSessions', {
      query: { ...(project ? { project_id: project.id } : {}), ...(opts.status === 'all' ? {} : { status: opts.status }), ...(opts.agent ? { agent: opts.agent } : {}) },
    });
    const projects = mode === 'table' ? new Map((await api.call('listProjects')).items.map((p) => [p.id, p.name])) : new Map<string, string>();
    await printResult(mode, {
      data: list,
      human: (paint) =>
        list.items.length === 0
          ? 'no sessions\n'
          : renderTable(
              list.items,
              [
                ['ID', (s) => shortId(s.id)],
                ['NAME', (s) => s.name],
                ['PROJECT', (s) => projects.get(s.project_id) ?? shortId(s.project_id)],
                ['AGENT', (s) => (s.model ? `${s.agent} · ${s.model}` : s.agent)],
                ['STATUS', (s) => s.status],
                ['UPDATED', (s) => formatAge(s.updated_at)],
              ],
              paint,
            ),
      ids: () => list.items.map((s) => s.id),
    });
  });

  clientCommand(program.command('inspect').description('show a session: settings, chats, recent turns, pending change, waiting permissions').argument('<session>', 'session id or a unique start of it'), [
    'boocode inspect 1a2b3c4d',
    'boocode inspect 1a2b --json',
  ]).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const id = await resolve(api, text, 'session');
    const session = await api.call('getSession', { params: { id } });
    const [project, chats, tasks, change, permissions] = await Promise.all([
      api.call('getProject', { params: { id: session.project_id } }),
      api.call('listChats', { params: { id } }),
      api.call('listSessionTasks', { params: { id }, query: { limit: 10 } }),
      api.call('getPendingChange', { params: { id } }),
      api.call('listPermissions', { params: { id }, query: { status: 'pending' } }),
    ]);
    const pending = change.pending ? (({ patch: _patch, ...summary }) => summary)(change.pending) : null;
    const data: CliSessionOverview = { session, project, chats: chats.items, tasks: tasks.items, pending_change: pending, permissions: permissions.items };
    await printResult(mode, { data, human: (paint) => overviewText(data, paint), ids: () => [session.id] });
  });

  clientCommand(
    program
      .command('archive')
      .description('archive a session: its unfinished turns are cancelled, its worktree removed (and its branch, unless --keep-branch)')
      .argument('<session>', 'session id or a unique start of it')
      .option('--keep-branch', 'keep the session branch'),
    ['boocode archive 1a2b3c4d', 'boocode archive 1a2b --keep-branch'],
  ).action(async (text: string, opts: ClientOptions & { keepBranch?: boolean }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const id = await resolve(api, text, 'session');
    const s = await api.call('archiveSession', { params: { id }, body: { keep_branch: opts.keepBranch === true } });
    await printResult(mode, { data: s, human: () => `archived session ${shortId(s.id)} (${s.name})\n`, ids: () => [s.id] });
  });

  clientCommand(
    program.command('rename').description('rename a session').argument('<session>', 'session id or a unique start of it').argument('<name>', 'the new name'),
    ['boocode rename 1a2b3c4d "fix the login bug"'],
  ).action(async (text: string, name: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const id = await resolve(api, text, 'session');
    const s = await api.call('updateSession', { params: { id }, body: { name } });
    await printResult(mode, { data: s, human: () => `renamed session ${shortId(s.id)} to ${s.name}\n`, ids: () => [s.id] });
  });
}
