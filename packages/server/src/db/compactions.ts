import type { Compaction } from '@boocode/contracts';
import type { Sql } from './connection.js';

/**
 * A chat's compactions: the model's summary of its turns up to `through_turn`. The newest one
 * stands for those turns in every later turn's history (see claimTurn); one made within its
 * `through_turn` stands for that turn's first steps only, and its transcript follows the summary.
 */
export async function insertCompaction(sql: Sql, chatId: string, messageId: string, c: Compaction): Promise<void> {
  await sql`
    INSERT INTO chat_compactions (chat_id, message_id, through_turn, summary, tokens_before, tokens_after, within_turn)
    VALUES (${chatId}, ${messageId}, ${c.through_turn}, ${c.summary}, ${c.tokens_before}, ${c.tokens_after}, ${c.within_turn ?? false})`;
}
