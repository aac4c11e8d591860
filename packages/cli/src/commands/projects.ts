import type { Command } from 'commander';
import type { Project } from '@boocode/contracts';
import { clientCommand, withExamples, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { formatAge } from '../duration.js';
import { shortId } from '../ids.js';
import { outputMode, printResult } from '../output/format.js';
import { renderFields, renderTable } from '../output/table.js';
import { findProject, localPath } from '../projects.js';

const projectFields = (p: Project): [string, string][] => [
  ['id', p.id],
  ['name', p.name],
  ['path', p.path],
  ['created', p.created_at],
];

export function registerProjects(program: Command): void {
  const project = withExamples(program.command('project').description('register, list and remove projects (git repositories)'), [
    'boocode project add',
    'boocode project ls',
  ]);

  clientCommand(
    project
      .command('add')
      .description('register a git repository (its top level) as a project')
      .argument('[path]', 'the repository (default: the current directory)', '.')
      .option('--name <name>', 'name to show (default: the directory name)'),
    ['boocode project add', 'boocode project add ~/src/app --name app'],
  ).action(async (dir: string, opts: ClientOptions & { name?: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const p = await api.call('createProject', { body: { path: await localPath(dir), ...(opts.name ? { name: opts.name } : {}) } });
    await printResult(mode, { data: p, human: (paint) => renderFields(projectFields(p), paint), ids: () => [p.id] });
  });

  clientCommand(project.command('ls').description('list projects'), ['boocode project ls', 'boocode project ls -q']).action(async (opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const list = await api.call('listProjects');
    await printResult(mode, {
      data: list,
      human: (paint) =>
        renderTable(
          list.items,
          [
            ['ID', (p) => shortId(p.id)],
            ['NAME', (p) => p.name],
            ['CREATED', (p) => formatAge(p.created_at)],
            ['PATH', (p) => p.path],
          ],
          paint,
        ),
      ids: () => list.items.map((p) => p.id),
    });
  });

  clientCommand(
    project
      .command('rm')
      .description("remove a project and its sessions from BooCode (the repository itself is untouched)")
      .argument('<project>', 'id (or a unique start of it), name or path'),
    ['boocode project rm 1a2b3c4d', 'boocode project rm .'],
  ).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const p = await findProject(api, text);
    await api.call('deleteProject', { params: { id: p.id } });
    await printResult(mode, { data: p, human: () => `removed project ${p.name} (${p.path})\n`, ids: () => [p.id] });
  });
}
