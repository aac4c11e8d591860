import type { ModelMessage, ToolResultPart, UserContent } from 'ai';
import type { HistoryMessage, InputPart, PromptInput, ResumedCall, TurnResume } from '@boocode/contracts';

/** What the model is told about a tool call a restart cut off: it may or may not have taken effect. */
export const INTERRUPTED_CALL =
  'interrupted: BooCode restarted while this tool was running, so its result is unknown. It may or may not have taken effect; check before running it again.';

/** Ids of the check-after-write runs, which the turn reports as tool calls but the model never made. */
export const CHECK_CALL_PREFIX = 'check-';

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

/**
 * The turn's own part of the conversation: its user message, or for a continued turn (`resume`)
 * its journal and the step a restart cut off.
 */
export function turnMessages(input: Pick<PromptInput, 'parts' | 'resume'>): ModelMessage[] {
  const journal = input.resume?.transcript as ModelMessage[] | undefined;
  const own = journal ?? [userMessage(input.parts)];
  return input.resume ? [...own, ...cutOffStep(input.resume, own)] : own;
}

export function userMessage(parts: readonly InputPart[]): ModelMessage {
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
  // Calls before the newest journaled one that the journal lacks were summarised by a compaction within the turn.
  const summarised = resume.compaction ? resume.calls.findLastIndex((c) => known.has(c.id)) : -1;
  const missing = resume.calls.filter((c, i) => i > summarised && !known.has(c.id) && !c.id.startsWith(CHECK_CALL_PREFIX));
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
