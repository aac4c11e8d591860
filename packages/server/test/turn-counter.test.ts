import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@boocode/testkit/server';
import { createLogger } from '@boocode/server';
import { connect, insertUserMessageWithTask, migrate, type Sql } from '@boocode/server/internals';
import { MIGRATIONS_DIR } from '../src/db/migrate.js';

// Posting numbers a message's turn from the chat's counter (one statement). Chats that already had
// messages when the counter was added must go on from where they were.
const log = createLogger({ level: 'silent' });
let sql: Sql;
let before: string;

beforeAll(async () => {
  sql = connect(await createTestDatabase(), { max: 4 });
  before = await mkdtemp(path.join(tmpdir(), 'boocode-migrations-'));
  for (const f of await readdir(MIGRATIONS_DIR)) if (f < '0005_') await copyFile(path.join(MIGRATIONS_DIR, f), path.join(before, f));
});
afterAll(async () => {
  await sql?.end();
  if (before) await rm(before, { recursive: true, force: true });
});

describe('turn numbers across the turn-counter migration', () => {
  it('continues the turns of a chat created before the counter, and refuses an archived session', async () => {
    await migrate(sql, log, before);
    const [project] = await sql<{ id: string }[]>`INSERT INTO projects (name, path) VALUES ('p', '/tmp/p') RETURNING id`;
    const [session] = await sql<{ id: string }[]>`INSERT INTO sessions (project_id, name) VALUES (${project!.id}, 's') RETURNING id`;
    const [chat] = await sql<{ id: string }[]>`INSERT INTO chats (session_id, name) VALUES (${session!.id}, 'c') RETURNING id`;
    for (const turn of [1, 2]) {
      await sql`INSERT INTO messages (chat_id, session_id, role, content, status, turn) VALUES (${chat!.id}, ${session!.id}, 'user', 'old', 'complete', ${turn})`;
      await sql`INSERT INTO messages (chat_id, session_id, role, content, status, turn) VALUES (${chat!.id}, ${session!.id}, 'assistant', 'answer', 'complete', ${turn})`;
    }
    expect(await migrate(sql, log)).toContain('0005_dispatch.sql');

    const post = () =>
      insertUserMessageWithTask(sql, { projectId: project!.id, sessionId: session!.id, chatId: chat!.id, content: 'new', images: [], agent: 'native', model: null });
    const posted = await Promise.all([post(), post()]);
    expect(posted.map((p) => p!.message.turn).sort()).toEqual([3, 4]);
    for (const p of posted) {
      expect(p!.task).toMatchObject({ status: 'pending', chat_id: chat!.id, message_id: p!.message.id });
      expect(p!.message).toMatchObject({ role: 'user', content: 'new', status: 'complete', task_id: p!.task.id, metadata: { images: [] } });
      expect(Date.parse(p!.task.created_at)).not.toBeNaN();
    }
    const [input] = await sql<{ input: unknown }[]>`SELECT input FROM tasks WHERE id = ${posted[0]!.task.id}`;
    expect(input!.input).toEqual({ parts: [{ type: 'text', text: 'new' }], turn: posted[0]!.message.turn });

    await sql`UPDATE sessions SET status = 'archived' WHERE id = ${session!.id}`;
    expect(await post()).toBeNull();
    const [users] = await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM messages WHERE chat_id = ${chat!.id} AND role = 'user'`;
    expect(users!.count).toBe(4); // nothing stored for the refused post
  });
});
