import type { Command } from 'commander';
import { clientCommand, withExamples, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { outputMode, printResult } from '../output/format.js';

export function registerToken(program: Command): void {
  const token = withExamples(program.command('token').description("the server's API token"), ['boocode token rotate']);

  clientCommand(
    token
      .command('rotate')
      .description('replace the API token: the server stores the new one in config.json; the old one and every browser login stop working at once'),
    ['boocode token rotate', 'export BOOCODE_TOKEN="$(boocode token rotate -q)"'],
  ).action(async (opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const data = await api.call('rotateToken');
    await printResult(mode, {
      data,
      human: () =>
        `token rotated: the old token and every browser login are revoked\n` +
        `new token (the server keeps it in its config.json): ${data.token}\n` +
        `browsers log in again with: boocode login-url\n`,
      ids: () => [data.token],
    });
  });
}
