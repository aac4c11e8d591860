import type { ModelMessage, ToolResultPart, UserContent } from 'ai';
import { PromptInput, type InputPart, type ResumedCall, type TurnResume } from '@boocode/contracts';

/** What the model is told about a tool call a restart cut off: it may or may not have taken effect. */
export const INTERRUPTED_CALL =
  'interrupted: BooCode restarted while this tool was running, so its result is unknown. It may or may not have taken effect; check before running it again.';

/** Ids of the check-after-write runs, which the turn reports as tool calls but the model never made. */
export const CHECK_CALL_PREFIX = 'check-';

/** The model conversation of a turn, and where the turn's own part (its user message) starts. */
export interface ModelConversation {
  messages: ModelMessage[];
  turnStart: number;
}

/**
 * Builds the model conversation from the turn input. The native agent keeps no state between
 * turns: earlier turns arrive as `history` (from the database, via the caller). A turn with a
 * transcript is replayed exactly as the model saw it, so this request's prompt extends the
 * previous one and providers' prefix caches hit; turns without one contribute their final text.
 * A continued turn (`resume`) starts from its journal instead of its user message.
 */
export function toModelMessages(input: PromptInput): ModelConversation {
  const parsed = PromptInput.parse(input);
  const messages: ModelMessage[] = parsed.history.flatMap((h): ModelMessage[] => {
    // Validated as TranscriptMessage, which is the serialised form of what the SDK handed us.
    if (h.transcript) return h.transcript as ModelMessage[];
    return [h.role === 'user' ? { role: 'user', content: h.content } : { role: 'assistant', content: h.content }];
  });
  const turnStart = messages.length;
  const journal = parsed.resume?.transcript as ModelMessage[] | undefined;
  messages.push(...(journal ?? [userMessage(parsed.parts)]));
  if (parsed.resume) messages.push(...cutOffStep(parsed.resume, messages.slice(turnStart)));
  return { messages, turnStart };
}

function userMessage(parts: InputPart[]): ModelMessage {
  const hasImage = parts.some((p) => p.type === 'image');
  const content: UserContent = hasImage
    ? parts.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image', image: p.data, mediaType: p.mime_type }))
    : parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  return { role: 'user', content };
}

function resultOf(c: ResumedCall): ToolResultPart['output'] {
  if (c.error === 'interrupted' || (c.error === null && c.output === null)) return { type: 'error-text', value: INTERRUPTED_CALL };
  if (c.error !== null) return { type: 'error-text', value: c.error };
  return { type: 'text', value: c.output ?? '' };
}

/**
 * The step a restart cut off, as far as it got: the tool calls the journal lacks, answered with
 * what they returned, or as interrupted when they never finished, so the model decides whether to
 * run them again and nothing is repeated behind its back.
 */
function cutOffStep(resume: TurnResume, journaled: ModelMessage[]): ModelMessage[] {
  const known = new Set<string>();
  for (const m of journaled) {
    if (typeof m.content === 'string') continue;
    for (const part of m.content) if ('toolCallId' in part) known.add(part.toolCallId);
  }
  const missing = resume.calls.filter((c) => !known.has(c.id) && !c.id.startsWith(CHECK_CALL_PREFIX));
  if (missing.length === 0) return [];
  const results: ToolResultPart[] = missing.map((c) => ({
    type: 'tool-result',
    toolCallId: c.id,
    toolName: c.name,
    output: resultOf(c),
  }));
  return [
    { role: 'assistant', content: missing.map((c) => ({ type: 'tool-call', toolCallId: c.id, toolName: c.name, input: c.input })) },
    { role: 'tool', content: results },
  ];
}
