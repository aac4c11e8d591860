import type { ModelMessage, UserContent } from 'ai';
import type { HistoryMessage, InputPart } from '@boocode/contracts';

/** How a compaction's summary reads to the model, in place of the turns it stands for. */
export const summaryText = (summary: string, throughTurn: number): string =>
  `Summary of the conversation so far (turns 1 to ${throughTurn}), written by you when the context grew long:\n\n${summary}`;

/**
 * Earlier turns as the model sees them. A turn with a transcript is replayed exactly as the model
 * saw it, so this request's prompt extends the previous one and providers' prefix caches hit;
 * turns without one contribute their final text; a compaction's summary stands for the turns it covers.
 */
export function historyMessages(history: readonly HistoryMessage[]): ModelMessage[] {
  return history.flatMap((h): ModelMessage[] => {
    // Validated as TranscriptMessage, which is the serialised form of what the SDK handed us.
    if (h.transcript) return h.transcript as ModelMessage[];
    if (h.summary) return [{ role: 'user', content: summaryText(h.content, h.turn ?? 0) }];
    return [h.role === 'user' ? { role: 'user', content: h.content } : { role: 'assistant', content: h.content }];
  });
}

export function userMessage(parts: readonly InputPart[]): ModelMessage {
  const hasImage = parts.some((p) => p.type === 'image');
  const content: UserContent = hasImage
    ? parts.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image', image: p.data, mediaType: p.mime_type }))
    : parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  return { role: 'user', content };
}
