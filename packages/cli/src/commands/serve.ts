import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ServerInfo } from '@boocode/contracts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the BooCode server (embedded Postgres unless DATABASE_URL is set)')
    // No defaults or parsing here: the flags go through the same checks as the variables they override.
    .option('--port <port>', 'port to listen on (0 = any free port; default $BOOCODE_PORT or 7345)')
    .option('--host <host>', 'address to bind (default $BOOCODE_HOST or 127.0.0.1)')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .action(async (flags: { port?: string; host?: string; home?: string }) => {
      // Loaded here, so that the client commands start without the server and its dependencies.
      const { createLogger, isLoopback, loadServerConfig, startServer } = await import('@boocode/server');
      const config = await loadServerConfig({ flags });
      const log = createLogger({ level: config.logLevel });
      if (!isLoopback(config.host)) {
        log.warn({ host: config.host }, 'binding a non-loopback address: anyone who can reach it and has the token controls your agents');
      }
      const server = await startServer(config, { logger: log });
      const serverFile = path.join(server.home, 'server.json');
      const info: ServerInfo = { url: server.url, pid: process.pid };
      await writeFile(serverFile, JSON.stringify(info) + '\n', { mode: 0o600 });
      const lines = [
        `BooCode ${server.url}`,
        `  open (logs you in once): ${server.loginUrl()}`,
        `  data directory:          ${server.home}`,
        `  database:                ${server.database === 'embedded' ? `embedded PostgreSQL (${server.dataDir})` : 'external (DATABASE_URL)'}`,
        `  API token:               in ${path.join(server.home, 'config.json')}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        void server
          .close()
          .then(() => rm(serverFile, { force: true }))
          .then(
            () => process.exit(0),
            (err: unknown) => {
              log.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
      };
      // A bug in one turn must not take every session down with the process.
      process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
