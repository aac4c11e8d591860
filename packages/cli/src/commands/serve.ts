import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createLogger, isLoopback, positiveEnv, startServer } from '@boocode/server';
import { writeServerFile } from '../server-file.js';
import { onStopSignal } from '../stop-signal.js';

export const parsePort = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the BooCode server (embedded Postgres unless DATABASE_URL is set)')
    .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, Number(process.env.BOOCODE_PORT ?? 7345))
    .option('--host <host>', 'address to bind', process.env.BOOCODE_HOST ?? '127.0.0.1')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .option('--no-worker', 'serve only: turns run in `boocode worker` processes on the same database')
    .action(async (opts: { port: number; host: string; home?: string; worker: boolean }) => {
      const log = createLogger();
      if (!isLoopback(opts.host)) {
        log.warn({ host: opts.host }, 'binding a non-loopback address: anyone who can reach it and has the token controls your agents');
      }
      const server = await startServer({
        host: opts.host,
        port: opts.port,
        ...(opts.home ? { home: opts.home } : {}),
        logger: log,
        replayFrames: positiveEnv('BOOCODE_REPLAY_FRAMES', 1000),
        maxBufferedBytes: positiveEnv('BOOCODE_WS_MAX_BUFFER', 8 * 1024 * 1024),
        ...(opts.worker ? {} : { worker: false as const }),
      });
      const removeServerFile = await writeServerFile(server.home, { url: server.url, pid: process.pid, bus: server.bus, database_port: server.databasePort });
      log.info(
        { url: server.url, home: server.home, database: server.database, bus: server.bus, worker: server.worker ? server.worker.id : null },
        server.worker ? 'serving, with a turn worker' : 'serving only (no worker): turns run in `boocode worker` processes',
      );
      const lines = [
        `BooCode ${server.url}`,
        `  open (logs you in once): ${server.loginUrl()}`,
        `  data directory:          ${server.home}`,
        `  database:                ${server.database === 'embedded' ? `embedded PostgreSQL (${server.dataDir})` : 'external (DATABASE_URL)'}`,
        `  turns:                   ${server.worker ? 'run here' : 'run by `boocode worker` processes (--no-worker)'}`,
        `  API token:               in ${path.join(server.home, 'config.json')}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
      onStopSignal(log, async () => {
        await server.close();
        await removeServerFile();
      });
    });
}
