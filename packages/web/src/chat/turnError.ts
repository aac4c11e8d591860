import { TurnErrorCode, type MessageStatus } from '@boocode/contracts';

/** What a person reads for each way an agent's turn can fail. */
const SENTENCE: Record<TurnErrorCode, string> = {
  rate_limited: 'The model provider is limiting requests right now. Wait a little, then retry.',
  provider_error: 'The model provider answered with an error.',
  network: 'The model provider could not be reached.',
  timeout: 'The model provider took too long to answer.',
  agent_crashed: 'The agent stopped unexpectedly.',
  agent_error: 'The agent reported an error.',
  bad_request: 'The model provider refused the request.',
};

export interface TurnErrorText {
  sentence: string;
  /** What the server stored, for whoever needs it; null when the sentence already says it all. */
  details: string | null;
}

/**
 * A turn's stored error (`<code>: <agent's message>`, `interrupted`, or a sentence of BooCode's
 * own) as one readable sentence, the rest kept as details.
 */
export function turnErrorText(error: string | null, status: MessageStatus): TurnErrorText | null {
  if (error === 'interrupted') {
    return { sentence: 'BooCode restarted while this answer was being written, and the agent could not pick it up where it stopped.', details: null };
  }
  if (!error) return status === 'failed' ? { sentence: 'This turn failed.', details: null } : null;
  const coded = /^([a-z_]+): ([\s\S]*)$/.exec(error);
  const code = coded ? TurnErrorCode.safeParse(coded[1]) : null;
  if (coded && code?.success) return { sentence: SENTENCE[code.data], details: coded[2]!.trim() || null };
  // BooCode's own reasons ("the session was archived") are already sentences.
  const firstLine = error.split('\n')[0]!;
  const sentence = firstLine.length > 200 ? 'This turn failed.' : `${firstLine.charAt(0).toUpperCase()}${firstLine.slice(1)}${/[.!?]$/.test(firstLine) ? '' : '.'}`;
  return { sentence, details: sentence === 'This turn failed.' || firstLine !== error ? error : null };
}
