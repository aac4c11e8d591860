import type { Command } from 'commander';
import { connectClient } from '../client.js';

export function registerLoginUrl(program: Command): void {
  program
    .command('login-url')
    .description('print a fresh one-time login URL for the running server')
    .option('--home <dir>', 'data directory of the server')
    .action(async (opts: { home?: string }) => {
      const client = await connectClient(opts.home);
      const res = await client.request<{ url_path: string }>('POST', '/api/auth/codes');
      process.stdout.write(`${client.baseUrl}${res.url_path}\n`);
    });
}
