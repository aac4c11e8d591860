import type { ModelMessage, UserContent } from 'ai';
import { PromptInput } from '@boocode/contracts';

/**
 * Builds the model conversation from the turn input. The native agent keeps no state between
 * turns: earlier turns arrive as `history` (from the database, via the caller). A turn with a
 * transcript is replayed exactly as the model saw it, so this request's prompt extends the
 * previous one and providers' prefix caches hit; turns without one contribute their final text.
 */
export function toModelMessages(input: PromptInput): ModelMessage[] {
  const parsed = PromptInput.parse(input);
  const messages: ModelMessage[] = parsed.history.flatMap((h): ModelMessage[] => {
    // Validated as TranscriptMessage, which is the serialised form of what the SDK handed us.
    if (h.transcript) return h.transcript as ModelMessage[];
    return [h.role === 'user' ? { role: 'user', content: h.content } : { role: 'assistant', content: h.content }];
  });
  const hasImage = parsed.parts.some((p) => p.type === 'image');
  const content: UserContent = hasImage
    ? parsed.parts.map((p) =>
        p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image', image: p.data, mediaType: p.mime_type },
      )
    : parsed.parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  messages.push({ role: 'user', content });
  return messages;
}
