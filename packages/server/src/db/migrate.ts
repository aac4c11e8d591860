import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connection.js';
import type { Logger } from '../logger.js';

/** packages/server/migrations, from both src/db and dist/db. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

// Any constant works; it only has to be the same for every process sharing the database.
const LOCK_KEY = 727_001;

const MIGRATION_FILE = /^\d{4}_[\w-]+\.sql$/;

/**
 * The migration files of `names`, in the order they are applied: by the whole file name, compared
 * code unit by code unit (not by locale, not by directory order). Two files share the number 0004
 * (`0004_agent_state.sql`, `0004_content_seq.sql`, both applied in the field, so neither can be
 * renumbered); the name after the number orders them, agent_state first. A new shared number is
 * refused by a test.
 */
export function migrationOrder(names: readonly string[]): string[] {
  return names.filter((f) => MIGRATION_FILE.test(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Applies every `NNNN_name.sql` not applied yet, in `migrationOrder`, with its bookkeeping row, all
 * in one transaction: a failing migration leaves the schema as it was. An advisory lock
 * serialises processes starting at the same time.
 */
export async function migrate(sql: Sql, log: Logger, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = migrationOrder(await readdir(dir));
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ name: string }[]>`SELECT name FROM schema_migrations`).map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const text = await readFile(path.join(dir, file), 'utf8');
      await tx.unsafe(text);
      await tx`INSERT INTO schema_migrations (name) VALUES (${file})`;
      applied.push(file);
      log.info({ migration: file }, 'applied migration');
    }
  });
  return applied;
}
