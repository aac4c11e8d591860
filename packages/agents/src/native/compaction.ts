import { generateText, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import { emptyUsage, type AgentEvent, type Compaction, type HistoryMessage, type InputPart, type Usage } from '@boocode/contracts';
import { historyMessages } from './messages.js';
import type { Logger } from './logger.js';
import type { MessageCounter } from './tokens.js';
import { normalizeUsage } from './usage.js';

/**
 * Compaction: when a conversation nears the model's context window, the oldest turns are
 * summarised by the model itself and replaced by that summary; the newest turns stay verbatim.
 * The system prompt and tool schemas are untouched and stay first, so the provider's prefix
 * cache still covers them after a compaction; the summary request itself replays the old turns
 * exactly as before, so it is mostly a cache hit too.
 */

/** Share of the context window the newest turns may keep verbatim when compacting on their own. */
const KEEP_SHARE = 0.25;

const INSTRUCTION = [
  'The conversation above is about to be replaced by your summary of it, to free context. Write that summary',
  'for your own later use: what the user asked for and decided, what you found out, which files you read and',
  'changed (with paths), commands you ran and their outcomes, errors met, and what is still to do.',
  'Be specific and complete, but concise. Answer with the summary only; do not call tools.',
].join('\n');

/** `/compact [instructions]` as the whole prompt: the user asks for a compaction now. */
export function compactCommand(parts: readonly InputPart[]): { instructions: string } | null {
  if (parts.length !== 1 || parts[0]!.type !== 'text') return null;
  const m = /^\/compact(?:\s+([\s\S]*))?$/.exec(parts[0]!.text.trim());
  return m ? { instructions: m[1]?.trim() ?? '' } : null;
}

export interface CompactionPlan {
  /** The oldest entries, to be summarised. */
  summarise: HistoryMessage[];
  /** The newest, kept verbatim after the summary. */
  keep: HistoryMessage[];
  throughTurn: number;
  tokensBefore: number;
}

/**
 * Which turns to summarise when the prompt would use `compactAt` of the window or more: the newest
 * turns that fit in a quarter of the window stay (the newest one always), the rest go. Null when
 * there is nothing to gain. Entries without a turn number cannot be recorded, so they block it.
 */
export function planCompaction(
  history: readonly HistoryMessage[],
  counter: MessageCounter,
  o: { fixedTokens: number; window: number; compactAt: number },
): CompactionPlan | null {
  if (history.some((h) => h.turn === undefined)) return null;
  const turns = [...new Set(history.map((h) => h.turn!))];
  const sizes = new Map(turns.map((t) => [t, counter.count(historyMessages(history.filter((h) => h.turn === t)))]));
  const before = [...sizes.values()].reduce((a, b) => a + b, 0);
  if (o.fixedTokens + before < o.compactAt * o.window) return null;
  let firstKept = turns.length - 1;
  let kept = sizes.get(turns[firstKept]!)!;
  while (firstKept > 0 && kept + sizes.get(turns[firstKept - 1]!)! <= KEEP_SHARE * o.window) {
    firstKept--;
    kept += sizes.get(turns[firstKept]!)!;
  }
  if (firstKept === 0) return null;
  const throughTurn = turns[firstKept - 1]!;
  return {
    summarise: history.filter((h) => h.turn! <= throughTurn),
    keep: history.filter((h) => h.turn! > throughTurn),
    throughTurn,
    tokensBefore: before,
  };
}

export interface SummaryRequest {
  model: LanguageModel;
  modelId: string;
  providerName: string;
  system: string;
  /** The same tools as the turn's steps: the request's prefix then matches theirs. */
  tools: ToolSet;
  summarise: readonly HistoryMessage[];
  instructions: string;
  maxRetries: number;
  signal: AbortSignal;
  onEvent: (e: AgentEvent) => void;
  counter: MessageCounter;
  systemTokens: number;
  toolTokens: number;
}

/**
 * Asks the model to summarise `old` (replayed exactly as it was sent, so the request is mostly a
 * cache hit); reports the request like any step (usage, model call numbered `step`).
 */
export async function summariseMessages(
  r: Omit<SummaryRequest, 'summarise'>,
  old: ModelMessage[],
  step: number,
): Promise<{ summary: string; usage: Usage }> {
  const ask: ModelMessage = { role: 'user', content: r.instructions ? `${INSTRUCTION}\n\nThe user adds: ${r.instructions}` : INSTRUCTION };
  const startedAt = new Date();
  const result = await generateText({
    model: r.model,
    system: r.system,
    messages: [...old, ask],
    tools: r.tools,
    toolChoice: 'none',
    maxRetries: r.maxRetries,
    abortSignal: r.signal,
  });
  const summary = result.text.trim();
  if (!summary) throw new Error('the model returned an empty summary');
  const usage = normalizeUsage(result.usage.raw, result.usage);
  r.onEvent({ type: 'usage', usage, raw: result.usage.raw ?? null, model: r.modelId, provider: r.providerName });
  r.onEvent({
    type: 'model_call',
    step,
    kind: 'compaction',
    model: r.modelId,
    provider: r.providerName,
    started_at: startedAt.toISOString(),
    first_token_at: null,
    finished_at: new Date().toISOString(),
    usage,
    segments: {
      system: r.systemTokens,
      tools: r.toolTokens,
      history: r.counter.count(old),
      input: r.counter.count([ask]),
      tool_results: 0,
    },
    tokenizer: r.counter.tokenizer.name,
  });
  return { summary, usage };
}

/** Summarises earlier turns (a compaction before a turn's first step, or `/compact`). */
export async function summarise(r: SummaryRequest, throughTurn: number, tokensBefore: number): Promise<{ compaction: Compaction; usage: Usage }> {
  const { summary, usage } = await summariseMessages(r, historyMessages(r.summarise), 1);
  const tokensAfter = r.counter.count(historyMessages([summaryEntry(summary, throughTurn)]));
  return { compaction: { through_turn: throughTurn, summary, tokens_before: tokensBefore, tokens_after: tokensAfter }, usage };
}

/** How a compaction stands in a turn's history: one user message holding the summary. */
export const summaryEntry = (summary: string, throughTurn: number): HistoryMessage => ({ role: 'user', content: summary, turn: throughTurn, summary: true });

/** `lastSummarised`: the newest turn in the summary (a `/compact` turn covers itself too, but says what it summarised). */
export function compactionNotice(c: Compaction, keptTurns: number, lastSummarised: number): AgentEvent {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const kept = keptTurns === 0 ? '' : ` The newest ${keptTurns === 1 ? 'turn stays' : `${keptTurns} turns stay`} as they were.`;
  return {
    type: 'notice',
    severity: 'info',
    title: 'Context compacted',
    description: `${lastSummarised === 1 ? 'Turn 1' : `Turns 1 to ${lastSummarised}`} (${fmt(c.tokens_before)} tokens) are now a summary of ${fmt(c.tokens_after)} tokens.${kept}`,
  };
}

/**
 * Before a turn's first request: when the prompt would reach `compactAt` of the window, the oldest
 * turns are summarised and the history to replay is the summary plus the newest turns. A failed
 * summary leaves the history as it was (the turn may still fit; if not, the provider says so).
 */
export async function compactBeforeTurn(
  r: SummaryRequest,
  o: { inputTokens: number; window: number; compactAt: number; log: Logger; chatId: string },
): Promise<{ history: HistoryMessage[]; compaction?: Compaction; usage: Usage }> {
  const history = [...r.summarise];
  const plan = planCompaction(history, r.counter, { fixedTokens: r.systemTokens + r.toolTokens + o.inputTokens, window: o.window, compactAt: o.compactAt });
  if (!plan || r.signal.aborted) return { history, usage: emptyUsage() };
  try {
    const { compaction, usage } = await summarise({ ...r, summarise: plan.summarise }, plan.throughTurn, plan.tokensBefore);
    r.onEvent(compactionNotice(compaction, new Set(plan.keep.map((h) => h.turn)).size, compaction.through_turn));
    o.log.info({ chat: o.chatId, through_turn: compaction.through_turn, before: compaction.tokens_before, after: compaction.tokens_after }, 'native agent: compacted');
    return { history: [summaryEntry(compaction.summary, compaction.through_turn), ...plan.keep], compaction, usage };
  } catch (err) {
    if (r.signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    o.log.warn({ chat: o.chatId, err: message }, 'native agent: compaction failed');
    r.onEvent({ type: 'notice', severity: 'warning', title: 'Compaction failed', description: `The earlier turns could not be summarised: ${message}` });
    return { history, usage: emptyUsage() };
  }
}

/** What a running turn does before its next request: nothing, compact before `cut`, or give up. */
export type StepCompaction = { kind: 'none' } | { kind: 'compact'; cut: number; tokensBefore: number } | { kind: 'too_large'; tokens: number };

/**
 * Inside a turn, before a request: when the prompt (`messages` from the system prompt on, the turn's
 * own part from `own`) would reach `compactAt` of the window, everything before a cut is summarised
 * and the newest steps stay. A cut is always at one of the turn's assistant messages, so a tool call
 * stays with its result; the newest step always stays, older ones while they fit in a quarter of
 * the window. Once compacted, the turn's own part starts after the summary: a cut there would
 * summarise the summary alone, so cuts start after the own part's first message.
 */
export function planStepCompaction(
  messages: readonly ModelMessage[],
  own: number,
  counter: MessageCounter,
  o: { fixedTokens: number; window: number; compactAt: number },
): StepCompaction {
  const total = o.fixedTokens + counter.count(messages);
  if (total < o.compactAt * o.window) return { kind: 'none' };
  const cuts: number[] = [];
  for (let i = own + 1; i < messages.length; i++) if (messages[i]!.role === 'assistant') cuts.push(i);
  const newest = cuts.at(-1);
  if (newest === undefined) return { kind: 'none' };
  const newestTokens = counter.count(messages.slice(newest));
  // Nothing a summary could free: the newest step alone does not fit, or will not once it is answered.
  if (o.fixedTokens + newestTokens >= o.window) return { kind: 'too_large', tokens: o.fixedTokens + newestTokens };
  let cut = newest;
  for (let i = cuts.length - 2; i >= 0; i--) {
    if (counter.count(messages.slice(cuts[i]!)) > KEEP_SHARE * o.window) break;
    cut = cuts[i]!;
  }
  return { kind: 'compact', cut, tokensBefore: counter.count(messages.slice(0, cut)) };
}

export function stepCompactionNotice(c: Compaction, keptSteps: number): AgentEvent {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return {
    type: 'notice',
    severity: 'info',
    title: 'Context compacted',
    description: `This turn grew near the context window: the conversation before its newest ${keptSteps === 1 ? 'step' : `${keptSteps} steps`} (${fmt(c.tokens_before)} tokens) is now a summary of ${fmt(c.tokens_after)} tokens, and the turn goes on.`,
  };
}
