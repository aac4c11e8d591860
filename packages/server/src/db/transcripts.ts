import type { Transcript } from '@boocode/contracts';
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
