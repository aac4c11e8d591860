import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { AgentInfo, ServerInfo } from '@boocode/contracts';
import { withExamples } from '../command.js';
import { onStopSignal } from '../stop-signal.js';

export function registerServe(program: Command): void {
  withExamples(program.command('serve'), ['boocode serve', 'boocode serve --port 8080 --home ~/boocode-work'])
    .description('start the BooCode server (embedded Postgres unless DATABASE_URL is set)')
    // No defaults or parsing here: the flags go through the same checks as the variables they override.
    .option('--port <port>', 'port to listen on (0 = any free port; default $BOOCODE_PORT or 7345)')
    .option('--host <host>', 'address to bind (default $BOOCODE_HOST or 127.0.0.1)')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .option('--no-worker', 'serve only: turns run in `boocode worker` processes on the same database')
    .action(async ({ worker, ...flags }: { port?: string; host?: string; home?: string; worker: boolean }) => {
      // Loaded here, so that the client commands start without the server and its dependencies.
      const { createLogger, isLoopback, loadServerConfig, startServer, unknownKeySentence } = await import('@boocode/server');
      const config = await loadServerConfig({ flags });
      // A person at a terminal reads lines; anything else (a service manager, a pipe) gets JSON.
      const log = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
      if (!isLoopback(config.host)) {
        log.warn({ host: config.host }, 'binding a non-loopback address: anyone who can reach it and has the token controls your agents');
      }
      // Agents that take MCP servers over stdio only are given this very binary's `boocode mcp`.
      const mcpCommand = { command: process.execPath, args: [path.resolve(process.argv[1]!), 'mcp'] };
      const server = await startServer(config, { logger: log, mcpCommand, ...(worker ? {} : { worker: false as const }) });
      const serverFile = path.join(server.home, 'server.json');
      // Before anything announces the server: a stop asked for as soon as it is found must be a clean one.
      onStopSignal(log, async () => {
        await server.close();
        await rm(serverFile, { force: true });
      });
      const info: ServerInfo = { url: server.url, pid: process.pid, bus: server.bus, database_port: server.databasePort };
      await writeFile(serverFile, JSON.stringify(info) + '\n', { mode: 0o600 });
      log.info(
        { url: server.url, home: server.home, database: server.database, bus: server.bus, worker_id: server.worker?.id ?? null },
        server.worker ? 'serving, with a turn worker' : 'serving only (no worker): turns run in `boocode worker` processes',
      );
      const lines = [
        `BooCode ${server.url}`,
        `  open (logs you in once): ${server.loginUrl()}`,
        `  data directory:          ${server.home}`,
        `  database:                ${server.database === 'embedded' ? `embedded PostgreSQL (${server.dataDir})` : 'external (DATABASE_URL)'}`,
        `  turns:                   ${server.worker ? 'run here' : 'run by `boocode worker` processes (--no-worker)'}`,
        `  API token:               in ${path.join(server.home, 'config.json')}`,
        // A mistyped key would otherwise look like it took effect.
        ...config.unknownKeys.map((key) => `  ${unknownKeySentence(key)}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      // Discovery probes each agent, which can take seconds: the login line must not wait for it.
      void server.ctx.registry.list().then((agents) => process.stdout.write(agentLines(agents).join('\n') + '\n'));
    });
}

/** What the banner says of the agents: which can run turns and from where, and why the others cannot. */
export function agentLines(agents: readonly AgentInfo[]): string[] {
  if (agents.length === 0) return ['  agents:                  none found'];
  const width = Math.max(...agents.map((a) => a.name.length));
  return [
    '  agents:',
    ...agents.map((a) => {
      return `    ${a.name.padEnd(width)}  ${agentState(a)}`;
    }),
  ];
}

function agentState(a: AgentInfo): string {
  if (!a.available) return `not usable: ${a.error ?? 'no reason given'}`;
  if (a.kind !== 'native') {
    const ready = a.version ? `ready (${a.version})` : 'ready';
    // Which copy runs matters when several are installed (BooCode's own, PATH, config.json).
    return a.install_path ? `${ready}, ${a.install_path}` : ready;
  }
  // The native agent has no model of its own: without a default each session must name one.
  const model = a.models[0]?.id;
  return model ? `ready, model ${model}` : 'ready, but no model: set BOOCODE_NATIVE_MODEL or choose one per session';
}
