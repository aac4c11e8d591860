import { ADMIN_URL_ENV, startTestRun, startThrowawayCluster } from '@boocode/testkit/server';

/**
 * One temp folder for the whole run (removed at its end, see startTestRun) and one real
 * PostgreSQL; every test file creates its own database on it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = await startTestRun();
  if (process.env[ADMIN_URL_ENV] || process.env.DATABASE_URL) return async () => run.end();
  const cluster = await startThrowawayCluster();
  const url = new URL(cluster.url);
  url.pathname = '/postgres';
  process.env[ADMIN_URL_ENV] = url.toString();
  return async () => {
    await cluster.stop();
    run.end();
  };
}
