import { chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createLogger } from '@boocode/server';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@boocode/server/embedded-postgres';
import { atProcessEnd } from '../process-end.js';
import { removeScratch, scratchDir } from '../scratch.js';

/** Set by the vitest global setup: one real cluster for the whole run, a database per test file. */
export const ADMIN_URL_ENV = 'BOOCODE_TEST_PG_ADMIN_URL';

/**
 * Starts a throwaway embedded cluster, its data in a temp dir. `stop()` removes the data too; a
 * process that ends without calling it (an error, Ctrl-C) kills the postmaster and its backends
 * (they run in their own process group, so no signal to us reaches them) and removes the data.
 */
export async function startThrowawayCluster(): Promise<EmbeddedPostgres> {
  const home = scratchDir('boocode-pg-');
  // Enterable by the postgres user (when run as root), so the cluster stays in the temp folder
  // rather than being put in /var/lib/boocode.
  chmodSync(home, 0o711);
  const cluster = await startEmbeddedPostgres({ home, password: randomBytes(16).toString('hex'), env: process.env, log: createLogger({ level: 'warn' }) });
  const unregister = atProcessEnd(() => {
    try {
      process.kill(-cluster.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return {
    ...cluster,
    async stop() {
      unregister();
      await cluster.stop();
      removeScratch(home);
    },
  };
}

/**
 * A fresh, empty database on the shared test cluster (or on `DATABASE_URL`'s server when the
 * tests run against an external Postgres). Returns its URL.
 */
export async function createTestDatabase(): Promise<string> {
  const admin = process.env[ADMIN_URL_ENV] ?? process.env.DATABASE_URL;
  if (!admin) throw new Error(`${ADMIN_URL_ENV} is not set: run the tests through vitest (its global setup starts Postgres)`);
  const name = `t_${randomBytes(6).toString('hex')}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
