import { ADMIN_URL_ENV, startThrowawayCluster } from '@boocode/testkit/server';

/** One real PostgreSQL for the whole run; every test file creates its own database on it. */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env[ADMIN_URL_ENV] || process.env.DATABASE_URL) return async () => {};
  const cluster = await startThrowawayCluster();
  const url = new URL(cluster.url);
  url.pathname = '/postgres';
  process.env[ADMIN_URL_ENV] = url.toString();
  return () => cluster.stop();
}
