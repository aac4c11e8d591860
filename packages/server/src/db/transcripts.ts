import type { Compaction, Transcript } from '@boocode/contracts';
import type { Sql } from './connection.js';

/** The native agent's exact conversation per turn, kept with the turn's assistant message. */

export interface NewTranscript {
  messageId: string;
  chatId: string;
  turn: number;
  transcript: Transcript;
}

export async function insertTranscript(sql: Sql, t: NewTranscript): Promise<void> {
  // Serialised here and parsed once on claim: the text is replayed as stored.
  await sql`
    INSERT INTO turn_transcripts (message_id, chat_id, turn, messages)
    VALUES (${t.messageId}, ${t.chatId}, ${t.turn}, ${JSON.stringify(t.transcript)})`;
}

/** How much of its message's text and reasoning (in UTF-16 units) a turn had said when it journaled a step. */
export interface JournalSaid {
  content: number;
  reasoning: number;
}

/**
 * The running turn's conversation so far: after a compaction within the turn, its summary (which
 * replaces everything before) and the messages since.
 */
export interface JournalEntry {
  transcript: Transcript;
  steps: number;
  compaction: Compaction | null;
}

/**
 * The running turn's conversation so far (the native agent's journal, rewritten after each model
 * step and at a compaction), with how much of the message it accounts for; a turn continued after
 * a restart starts from it. One row, so the summary and the messages after it change together.
 * Dropped once the turn is written down.
 */
export async function saveJournal(sql: Sql, taskId: string, j: JournalEntry, said: JournalSaid): Promise<void> {
  const compaction = j.compaction ? sql.json(j.compaction) : null;
  await sql`
    INSERT INTO turn_journals (task_id, messages, steps, compaction, content_chars, reasoning_chars)
    VALUES (${taskId}, ${JSON.stringify(j.transcript)}, ${j.steps}, ${compaction}, ${said.content}, ${said.reasoning})
    ON CONFLICT (task_id) DO UPDATE SET messages = EXCLUDED.messages, steps = EXCLUDED.steps, compaction = EXCLUDED.compaction,
      content_chars = EXCLUDED.content_chars, reasoning_chars = EXCLUDED.reasoning_chars, updated_at = now()`;
}

export async function dropJournal(sql: Sql, taskId: string): Promise<void> {
  await sql`DELETE FROM turn_journals WHERE task_id = ${taskId}`;
}
