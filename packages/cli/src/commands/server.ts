import type { Command } from 'commander';
import type { CliLoginUrl, CliStatus } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { outputMode, printResult } from '../output/format.js';
import { renderFields, renderTable } from '../output/table.js';
import { VERSION } from '../version.js';

export function registerServerInfo(program: Command): void {
  clientCommand(program.command('status').description('show the server: its address, version, database and agents'), ['boocode status', 'boocode status --url http://127.0.0.1:7345 --json']).action(
    async (opts: ClientOptions) => {
      const mode = outputMode(opts);
      const { api, server } = await connect(opts);
      const [health, agents] = await Promise.all([api.call('health'), api.call('listAgents')]);
      const data: CliStatus = { url: server.baseUrl, cli_version: VERSION, server: health, agents: agents.items };
      await printResult(mode, {
        data,
        human: (paint) =>
          renderFields(
            [
              ['server', `${data.url} (${health.ok ? paint.green('up') : paint.red('not ok')})`],
              ['version', `server ${health.version}, cli ${VERSION}`],
              ['database', health.database === 'embedded' ? 'embedded PostgreSQL' : 'external (DATABASE_URL)'],
              ['home', server.home],
            ],
            paint,
          ) +
          '\n' +
          renderTable(
            agents.items,
            [
              ['AGENT', (a) => a.name],
              ['KIND', (a) => a.kind],
              ['AVAILABLE', (a) => (a.available ? paint.green('yes') : paint.red('no'))],
              ['VERSION', (a) => a.version ?? ''],
              ['NOTE', (a) => a.error ?? ''],
            ],
            paint,
          ),
        ids: () => [data.url],
      });
    },
  );

  clientCommand(program.command('login-url').description('print a fresh one-time login URL for the running server (opens the web UI logged in)'), ['boocode login-url', 'xdg-open "$(boocode login-url)"']).action(
    async (opts: ClientOptions) => {
      const mode = outputMode(opts);
      const { api, server } = await connect(opts);
      const code = await api.call('createLoginCode');
      const data: CliLoginUrl = { url: `${server.baseUrl}${code.url_path}` };
      await printResult(mode, { data, human: () => `${data.url}\n`, ids: () => [data.url] });
    },
  );
}
