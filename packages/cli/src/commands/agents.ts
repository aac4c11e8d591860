import type { Command } from 'commander';
import type { CliAgentModels } from '@boocode/contracts';
import { clientCommand, withExamples, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { notFoundError } from '../exit-codes.js';
import { outputMode, printResult } from '../output/format.js';
import { renderTable } from '../output/table.js';

export function registerAgents(program: Command): void {
  const agents = withExamples(program.command('agents').description('the agents this server can run'), ['boocode agents ls', 'boocode agents models opencode']);

  clientCommand(agents.command('ls').description('list the agents: the native one and the external ones found on this machine').option('--refresh', 'look for installed agents again'), [
    'boocode agents ls',
    'boocode agents ls --refresh --json',
  ]).action(async (opts: ClientOptions & { refresh?: boolean }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const list = await api.call('listAgents', { query: opts.refresh ? { refresh: 'true' } : {} });
    await printResult(mode, {
      data: list,
      human: (paint) =>
        renderTable(
          list.items,
          [
            ['AGENT', (a) => a.name],
            ['LABEL', (a) => a.label],
            ['KIND', (a) => a.kind],
            ['AVAILABLE', (a) => (a.available ? paint.green('yes') : paint.red('no'))],
            ['MODELS', (a) => String(a.models.length)],
            ['PATH', (a) => a.install_path ?? ''],
            ['NOTE', (a) => a.error ?? ''],
          ],
          paint,
        ),
      ids: () => list.items.map((a) => a.name),
    });
  });

  clientCommand(agents.command('models').description('list the models an agent reports').argument('<agent>', 'agent name (see boocode agents ls)').option('--refresh', 'ask the agent again'), [
    'boocode agents models native',
    'boocode agents models opencode -q',
  ]).action(async (name: string, opts: ClientOptions & { refresh?: boolean }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const list = await api.call('listAgents', { query: opts.refresh ? { refresh: 'true' } : {} });
    const agent = list.items.find((a) => a.name === name);
    if (!agent) throw notFoundError(`no agent ${name}; the agents are: ${list.items.map((a) => a.name).join(', ')}`);
    const data: CliAgentModels = { agent: agent.name, items: agent.models };
    await printResult(mode, {
      data,
      human: (paint) =>
        data.items.length === 0
          ? `${agent.name} reports no models${agent.available ? '' : ` (${agent.error ?? 'not available'})`}\n`
          : renderTable(
              data.items,
              [
                ['MODEL', (m) => m.id],
                ['NAME', (m) => m.name ?? ''],
              ],
              paint,
            ),
      ids: () => data.items.map((m) => m.id),
    });
  });
}
