import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@boocode/server';
import { connect, migrate, migrationOrder, MIGRATIONS_DIR, type Sql } from '@boocode/server/internals';
import { createTestDatabase } from '@boocode/testkit/server';

/** Both applied in the field before numbers were guarded; renumbering them would re-apply one. */
const KNOWN_SHARED = { '0004': ['0004_agent_state.sql', '0004_content_seq.sql'] };

function sharedNumbers(files: string[]): Record<string, string[]> {
  const byNumber = new Map<string, string[]>();
  for (const f of files) byNumber.set(f.slice(0, 4), [...(byNumber.get(f.slice(0, 4)) ?? []), f]);
  return Object.fromEntries([...byNumber].filter(([, names]) => names.length > 1));
}

describe('migration files', () => {
  const files = migrationOrder(readdirSync(MIGRATIONS_DIR));

  it('give every new migration a number of its own', () => {
    expect(files.length).toBeGreaterThan(4);
    expect(sharedNumbers(files)).toEqual(KNOWN_SHARED);
  });

  it('notices a second file taking a number', () => {
    expect(sharedNumbers([...files, '0002_late.sql'])).toEqual({ ...KNOWN_SHARED, '0002': ['0002_runner.sql', '0002_late.sql'] });
  });

  it('are ordered by the whole name, whatever the directory order', () => {
    const shuffled = [...files].reverse().concat('README.md', '0009_Upper.SQL');
    expect(migrationOrder(shuffled)).toEqual(files);
    expect(files.indexOf('0004_agent_state.sql')).toBe(files.indexOf('0004_content_seq.sql') - 1);
    expect(migrationOrder(['0010_b.sql', '0004_content_seq.sql', '0004_Z.sql', '0004_agent_state.sql'])).toEqual([
      '0004_Z.sql',
      '0004_agent_state.sql',
      '0004_content_seq.sql',
      '0010_b.sql',
    ]);
  });
});

describe('migrate', () => {
  let sql: Sql;
  let dir: string;
  const log = createLogger({ level: 'silent' });

  beforeAll(async () => {
    sql = connect(await createTestDatabase(), { max: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'boocode-migrations-'));
  });
  afterAll(async () => {
    await sql?.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the repository migrations in migrationOrder, once', async () => {
    expect(await migrate(sql, log)).toEqual(migrationOrder(readdirSync(MIGRATIONS_DIR)));
    expect(await migrate(sql, log)).toEqual([]);
  });

  it('applies a shared number in name order and rolls back a failing batch whole', async () => {
    writeFileSync(path.join(dir, '0001_b.sql'), 'CREATE TABLE mig_b (id int REFERENCES mig_a(id));');
    writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE TABLE mig_a (id int PRIMARY KEY);');
    writeFileSync(path.join(dir, '0002_bad.sql'), 'CREATE TABLE mig_c (id int); SELECT no_such_column FROM mig_a;');
    await expect(migrate(sql, log, dir)).rejects.toThrow(/no_such_column/);
    expect(await sql`SELECT tablename FROM pg_tables WHERE tablename LIKE 'mig_%'`).toEqual([]);
    rmSync(path.join(dir, '0002_bad.sql'));
    // mig_b references mig_a: the run only succeeds when 0001_a goes first.
    expect(await migrate(sql, log, dir)).toEqual(['0001_a.sql', '0001_b.sql']);
  });
});
