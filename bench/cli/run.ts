/**
 * bench/cli: the built `boocode` command, run as a program as people run it (its shebang starts
 * Node), against `curl` on the same routes, in one run: `boocode ls --json` vs GET /api/sessions,
 * `boocode send --detach --json` vs POST /api/chats/:id/messages, and the start-up of the CLI
 * (`boocode --version`: the command tree, without what a command loads once it connects) against
 * bare `node`, and bare `node --no-node-snapshot` (the flag `serve` and `worker` need, which client
 * commands go without). Runs are interleaved, so load on the machine hits every variant alike.
 * `npm run build` first.
 *   npm run bench -- cli [rounds]
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { scratchDir } from '@boocode/testkit';
import { makeGitRepo, startThrowawayCluster } from '@boocode/testkit/server';
import { summarize, table } from '../lib/stats.js';

const run = promisify(execFile);
const ROUNDS = Number(process.argv[2] ?? 20);
const SESSIONS = 20;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/cli/bin/boocode.js');
if (!existsSync(path.resolve(path.dirname(BIN), '../dist/boocode.mjs'))) throw new Error('the CLI is not built: run `npm run build` first');
/** The start-up budget of a client command on this machine (p50). */
const STARTUP_TARGET_MS = 150;

const cluster = await startThrowawayCluster();
const home = scratchDir('bench-cli-');
const config = await loadServerConfig({ env: { ...process.env, DATABASE_URL: cluster.url, BOOCODE_PORT: '0' }, flags: { home } });
// No worker: `send` measures posting the prompt, not the turn.
const server = await startServer(config, { logger: createLogger({ level: 'silent' }), worker: false });
try {
  const auth = `authorization: Bearer ${server.token}`;
  const api = async <T>(method: string, url: string, body?: unknown): Promise<T> =>
    (await (
      await fetch(server.url + url, {
        method,
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    ).json()) as T;
  const project = await api<{ id: string }>('POST', '/api/projects', { path: await makeGitRepo() });
  const sessions: { id: string }[] = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await api<{ id: string }>('POST', '/api/sessions', { project_id: project.id, name: `bench ${i}` }));
  const session = sessions[0]!;
  const chat = (await api<{ items: { id: string }[] }>('GET', `/api/sessions/${session.id}/chats`)).items[0]!;
  const env = { ...process.env, BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token, NO_COLOR: '1' };

  const variants: [name: string, file: string, args: string[]][] = [
    ['boocode ls --json', BIN, ['ls', '--json']],
    ['curl GET /api/sessions', 'curl', ['-sf', '-H', auth, `${server.url}/api/sessions`]],
    ['boocode send --detach --json', BIN, ['send', session.id, 'hello', '--detach', '--json']],
    ['curl POST /api/chats/:id/messages', 'curl', ['-sf', '-H', auth, '-H', 'content-type: application/json', '-d', '{"content":"hello"}', `${server.url}/api/chats/${chat.id}/messages`]],
    ['boocode --version (start-up)', BIN, ['--version']],
    ['node -e 0', process.execPath, ['-e', '0']],
    ['node --no-node-snapshot -e 0', process.execPath, ['--no-node-snapshot', '-e', '0']],
  ];
  const times = new Map(variants.map(([name]) => [name, [] as number[]]));
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, file, args] of variants) {
      const t0 = performance.now();
      await run(file, args, { env, maxBuffer: 1 << 26 });
      // Round -1 warms the page cache and the server's connections.
      if (round >= 0) times.get(name)!.push(performance.now() - t0);
    }
  }
  const p50 = (name: string) => summarize(times.get(name)!).p50;
  console.log(`bench/cli: ${ROUNDS} rounds, ${SESSIONS} sessions\n`);
  console.log(
    table(
      variants.map(([name]) => {
        const s = summarize(times.get(name)!);
        return { command: name, 'p50 ms': s.p50, 'p90 ms': s.p90, 'min ms': s.min };
      }),
    ),
  );
  const startup = p50('boocode --version (start-up)');
  console.log(`
ls --json / curl:         ${(p50('boocode ls --json') / p50('curl GET /api/sessions')).toFixed(2)}x
send / curl:              ${(p50('boocode send --detach --json') / p50('curl POST /api/chats/:id/messages')).toFixed(2)}x (send also looks up the session and its chat: 3 requests)
start-up p50:             ${startup.toFixed(0)} ms (target < ${STARTUP_TARGET_MS} ms: ${startup < STARTUP_TARGET_MS ? 'met' : 'NOT met'}); ${(startup - p50('node -e 0')).toFixed(0)} ms over bare node
--no-node-snapshot costs: ${(p50('node --no-node-snapshot -e 0') - p50('node -e 0')).toFixed(0)} ms of start-up (only serve and worker take it)
ls --json over curl:      ${(p50('boocode ls --json') - p50('curl GET /api/sessions')).toFixed(0)} ms (start-up, loading the client and contracts, validating the answer)
load average:             ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await server.close();
  await cluster.stop();
}
