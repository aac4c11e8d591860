import type { Command } from 'commander';
import { ApiClient } from '@boocode/client';
import { findServer } from '@boocode/client/node';
import { clientEnv } from '../client-env.js';

export function registerLoginUrl(program: Command): void {
  program
    .command('login-url')
    .description('print a fresh one-time login URL for the running server')
    .option('--home <dir>', 'data directory of the server')
    .action(async (opts: { home?: string }) => {
      const server = await findServer({ home: opts.home, env: clientEnv() });
      const api = new ApiClient({ baseUrl: server.baseUrl, token: server.token });
      const code = await api.call('createLoginCode');
      process.stdout.write(`${server.baseUrl}${code.url_path}\n`);
    });
}
