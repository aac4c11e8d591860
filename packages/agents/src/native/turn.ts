import { stepCountIs, streamText, type FinishReason, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import {
  addUsage,
  emptyUsage,
  Transcript,
  TranscriptMessage,
  type AgentEvent,
  type Compaction,
  type PromptSegments,
  type StopReason,
  type SubagentControl,
  type TurnResult,
  type Usage,
} from '@boocode/contracts';
import type { Env } from '../external/env.js';
import type { SandboxPolicy } from '../sandbox/index.js';
import { isToolOutcome, toAiTools } from './ai-tools.js';
import { checkNote, runCheck, type CheckPlan } from './check-after-write.js';
import { planStepCompaction, stepCompactionNotice, summariseMessages, summaryEntry, type SummaryRequest } from './compaction.js';
import { classifyError, type TurnError } from './errors.js';
import type { Logger } from './logger.js';
import { CHECK_CALL_PREFIX, historyMessages } from './messages.js';
import { WRITING_TOOL_NAMES, type ToolLimits } from './tools/index.js';
import { MessageCounter, toolTokens, type Tokenizer } from './tokens.js';
import { normalizeUsage } from './usage.js';

/** Everything one native turn needs; the backend assembles it per prompt. */
export interface NativeTurnParams {
  model: LanguageModel;
  modelId: string;
  providerName: string;
  system: string;
  messages: ModelMessage[];
  /** Index in `messages` of the turn's own user message (what precedes it is earlier turns). */
  turnStart: number;
  /** realpath of the session root. */
  root: string;
  maxSteps: number;
  maxRetries: number;
  temperature?: number;
  maxOutputTokens?: number;
  /** Null when check-after-write is off or the project declares no check. */
  check: CheckPlan | null;
  toolLimits?: Partial<ToolLimits>;
  /** The environment commands (run_command, the check) start from; secret-looking variables are dropped. */
  env: Env;
  /** Variables commands must not see although their names look harmless: the configured `apiKeyEnv`. */
  hiddenEnv: readonly string[];
  /** Confines run_command and the check (none: they run as they are). */
  sandbox?: SandboxPolicy;
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void;
  /** See PromptCtx.recorded. */
  recorded?: (toolCallId: string) => Promise<void>;
  log: Logger;
  /** Counts each request's prompt segments. */
  tokenizer: Tokenizer;
  /** The model's context window, for the context meter and compaction within the turn. */
  contextWindow: number;
  /** Share of the window at which the turn compacts its context before its next request. */
  compactAt: number;
  /** How the summary is asked for: the same request as a compaction between turns. */
  summariser: Omit<SummaryRequest, 'summarise' | 'instructions' | 'onEvent'>;
  /** The chat turn this is: a compaction within it summarises through it. */
  turn: number;
  /** A compaction this turn already made before a restart: `messages` start with its summary. */
  compaction?: Compaction;
  /** Model calls already made this turn (a compaction's summary request): steps are numbered after them. */
  stepOffset: number;
  /** Background subagents of this turn, when the server offers them. */
  subagents?: SubagentControl;
}

/** The request of the step in flight: when it was sent and what its prompt was made of. */
interface StepRequest {
  startedAt: Date;
  firstTokenAt: Date | null;
  /** Counted once the request is on its way (see prepareStep), or at the step's end at the latest. */
  segments: () => PromptSegments;
}

/** A note inserted into the conversation before the message at index `at` of the step input. */
interface Note {
  at: number;
  text: string;
}

function stopReasonOf(finish: FinishReason | undefined, steps: number, maxSteps: number): StopReason {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'content-filter':
      return 'refusal';
    case 'error':
      return 'error';
    case 'tool-calls':
      // The SDK only ends on tool calls when the step cap stopped the loop.
      return steps >= maxSteps ? 'max_steps' : 'end_turn';
    default:
      return 'end_turn';
  }
}

function asRecord(input: unknown): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>;
  return { value: input };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withNotes(messages: ModelMessage[], notes: Note[]): ModelMessage[] {
  if (notes.length === 0) return messages;
  const out = [...messages];
  // Insert from the back so earlier indices stay valid.
  for (const n of [...notes].sort((a, b) => b.at - a.at)) out.splice(n.at, 0, { role: 'user', content: n.text });
  return out;
}

/**
 * Runs one turn: the model/tool loop of the AI SDK with events translated for BooCode. Resolves
 * (never rejects) with the TurnResult; after it resolves no further events are emitted, even if
 * the SDK is still unwinding a cancelled request.
 */
export async function runNativeTurn(p: NativeTurnParams): Promise<TurnResult> {
  let live = true;
  const emit = (e: AgentEvent): void => {
    if (!live) return;
    try {
      p.onEvent(e);
    } catch (err) {
      // A consumer bug must not abort the model loop halfway through a tool call.
      p.log.error({ err: errorText(err), event: e.type }, 'native agent: onEvent threw');
    }
  };

  const last = p.messages[p.messages.length - 1];
  if (last?.role === 'assistant') {
    // A continued turn whose last step had already answered before the restart: nothing to ask.
    return { ok: true, stop_reason: 'end_turn', usage: emptyUsage(), transcript: Transcript.parse(p.messages.slice(p.turnStart)) };
  }

  let usage: Usage = emptyUsage();
  let steps = 0;
  let journaled = 0;
  let lastFinish: FinishReason | undefined;
  let failure: TurnError | null = null;
  const notes: Note[] = [];
  let wroteInStep = false;
  let checkPending = false;

  // What the last step sent (notes included, compacted), how many messages the SDK had then, and
  // where the turn's own part begins in it: the turn's transcript is that prompt's own part plus
  // what the last step answered.
  let lastStep: SentStep = { raw: p.messages.length, sent: p.messages, own: p.turnStart };
  let produced: ModelMessage[] | null = null;

  const counter = new MessageCounter(p.tokenizer);
  const fixed = { system: p.tokenizer.count(p.system), tools: toolTokens(p.tokenizer) };
  // A compaction within this turn: the SDK keeps the whole conversation, so every later step's
  // prompt is rebuilt as the summary followed by the messages from `cut` on (an index into the
  // prompt with notes, which stays valid because notes are only ever added at the end).
  let compacted: { cut: number; summary: ModelMessage } | null = null;
  let compaction = p.compaction;
  let summaryFailed = false;
  // Model calls of this turn that were not steps (summaries): later steps are numbered after them.
  let extraCalls = 0;
  let request: StepRequest | null = null;
  const firstToken = (): void => {
    if (request && !request.firstTokenAt) request.firstTokenAt = new Date();
  };

  const tools: ToolSet = toAiTools(
    { root: p.root, signal: p.signal, limits: p.toolLimits, env: p.env, hiddenEnv: p.hiddenEnv, sandbox: p.sandbox, subagents: p.subagents },
    p.recorded,
  );

  const prepareStep = async ({ messages, stepNumber }: { messages: ModelMessage[]; stepNumber: number }) => {
    if (checkPending && p.check && !p.signal.aborted) {
      checkPending = false;
      const id = `${CHECK_CALL_PREFIX}${stepNumber}`;
      emit({ type: 'tool_call', id, name: 'check', input: { command: p.check.command }, started_at: new Date().toISOString() });
      const outcome = await runCheck(p.check, p.root, p.signal, { base: p.env, hidden: p.hiddenEnv, sandbox: p.sandbox });
      emit({
        type: 'tool_update',
        id,
        status: outcome.passed ? 'completed' : 'failed',
        output: outcome.output,
        ...(outcome.passed ? {} : { error: outcome.summary }),
        finished_at: new Date().toISOString(),
      });
      p.log.info({ step: stepNumber, passed: outcome.passed, summary: outcome.summary }, 'native agent: check after write');
      if (!outcome.passed) notes.push({ at: messages.length, text: checkNote(p.check, outcome) });
    }
    const noted = withNotes(messages, notes);
    let sent = compacted ? [compacted.summary, ...noted.slice(compacted.cut)] : noted;
    // The turn's own part starts with its user message at turnStart (once compacted: right after the
    // summary that stands for it and everything before); steps add tool calls and results after it.
    let own = compacted ? 1 : p.turnStart;
    if (!summaryFailed && !p.signal.aborted) {
      const plan = planStepCompaction(sent, own, counter, {
        fixedTokens: fixed.system + fixed.tools,
        window: p.contextWindow,
        compactAt: p.compactAt,
      });
      if (plan.kind === 'too_large') {
        failure = {
          code: 'agent_error',
          message: `The newest step's tool results need about ${plan.tokens.toLocaleString('en-US')} tokens with the system prompt and tools, more than the model's context window of ${p.contextWindow.toLocaleString('en-US')} tokens, so the turn cannot go on. Ask for smaller pieces (a line range of a file, a narrower search or command output).`,
        };
        throw new Error(failure.message);
      }
      if (plan.kind === 'compact') {
        const base = compacted ? compacted.cut - 1 : 0;
        try {
          const { summary, usage: used } = await summariseMessages(
            { ...p.summariser, onEvent: emit, instructions: '' },
            sent.slice(0, plan.cut),
            p.stepOffset + extraCalls + steps + 1,
          );
          extraCalls++;
          usage = addUsage(usage, used);
          const [message] = historyMessages([summaryEntry(summary, p.turn)]);
          compacted = { cut: base + plan.cut, summary: message! };
          sent = [compacted.summary, ...noted.slice(compacted.cut)];
          own = 1;
          compaction = { through_turn: p.turn, summary, tokens_before: plan.tokensBefore, tokens_after: counter.count([message!]), within_turn: true };
          const keptSteps = sent.filter((m) => m.role === 'assistant').length;
          emit(stepCompactionNotice(compaction, keptSteps));
          p.log.info({ turn: p.turn, step: stepNumber, before: compaction.tokens_before, after: compaction.tokens_after, kept_steps: keptSteps }, 'native agent: compacted within the turn');
          // The journal says at once that the summary replaces everything before the kept steps.
          const transcript = serialiseAll(p, sent.slice(own));
          if (transcript) emit({ type: 'journal', transcript, steps: journaled, compaction });
        } catch (err) {
          if (p.signal.aborted) throw err;
          summaryFailed = true;
          const message = errorText(err);
          p.log.warn({ turn: p.turn, err: message }, 'native agent: compaction within the turn failed');
          emit({ type: 'notice', severity: 'warning', title: 'Compaction failed', description: `The turn's earlier steps could not be summarised: ${message}` });
        }
      }
    }
    lastStep = { raw: messages.length, sent, own };
    // The compaction check above counted every message (the counter remembers them); splitting the
    // counts into segments waits until the request is on its way.
    // After a compaction the own part starts with a step, not with the user's message.
    const inputEnd = sent[own]?.role === 'user' ? own + 1 : own;
    let segments: PromptSegments | null = null;
    const countSegments = (): PromptSegments =>
      (segments ??= {
        ...fixed,
        history: counter.count(sent.slice(0, own)),
        input: counter.count(sent.slice(own, inputEnd)),
        tool_results: counter.count(sent.slice(inputEnd)),
      });
    setImmediate(countSegments);
    request = { startedAt: new Date(), firstTokenAt: null, segments: countSegments };
    return sent === messages ? {} : { messages: sent };
  };

  const consume = async (): Promise<void> => {
    const result = streamText({
      model: p.model,
      system: p.system,
      messages: p.messages,
      tools,
      stopWhen: stepCountIs(p.maxSteps),
      maxRetries: p.maxRetries,
      abortSignal: p.signal,
      temperature: p.temperature,
      maxOutputTokens: p.maxOutputTokens,
      prepareStep,
      onStepFinish: (step) => {
        // The journal: what a turn continued after a restart starts from.
        const transcript = transcriptOf(p, lastStep, step.response.messages);
        journaled++;
        if (transcript) emit({ type: 'journal', transcript, steps: journaled, ...(compaction ? { compaction } : {}) });
      },
      // Errors arrive as stream parts and are handled below; the default handler would console.error.
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      switch (part.type) {
        case 'text-delta':
          firstToken();
          if (part.text) emit({ type: 'text', text: part.text });
          break;
        case 'reasoning-delta':
          firstToken();
          if (part.text) emit({ type: 'reasoning', text: part.text });
          break;
        case 'tool-input-start':
          firstToken();
          break;
        case 'tool-call':
          firstToken();
          emit({
            type: 'tool_call',
            id: part.toolCallId,
            name: part.toolName,
            input: asRecord(part.input),
            started_at: new Date().toISOString(),
          });
          if (!part.invalid && WRITING_TOOL_NAMES.has(part.toolName)) wroteInStep = true;
          break;
        case 'tool-result': {
          const out: unknown = part.output;
          const finished_at = new Date().toISOString();
          if (isToolOutcome(out) && !out.ok) {
            emit({ type: 'tool_update', id: part.toolCallId, status: 'failed', error: out.error, finished_at });
          } else {
            const output = isToolOutcome(out) && out.ok ? out.output : JSON.stringify(out);
            emit({ type: 'tool_update', id: part.toolCallId, status: 'completed', output, finished_at });
          }
          break;
        }
        case 'tool-error':
          emit({
            type: 'tool_update',
            id: part.toolCallId,
            status: 'failed',
            error: errorText(part.error),
            finished_at: new Date().toISOString(),
          });
          break;
        case 'finish-step': {
          steps++;
          lastFinish = part.finishReason;
          const stepUsage = normalizeUsage(part.usage.raw, part.usage);
          usage = addUsage(usage, stepUsage);
          emit({ type: 'usage', usage: stepUsage, raw: part.usage.raw ?? null, model: p.modelId, provider: p.providerName });
          if (request) {
            const segments = request.segments();
            emit({
              type: 'model_call',
              step: p.stepOffset + extraCalls + steps,
              kind: 'step',
              model: p.modelId,
              provider: p.providerName,
              started_at: request.startedAt.toISOString(),
              first_token_at: request.firstTokenAt?.toISOString() ?? null,
              finished_at: new Date().toISOString(),
              usage: stepUsage,
              segments,
              tokenizer: p.tokenizer.name,
            });
            const prompt = Object.values(segments).reduce((a, b) => a + b, 0);
            emit({ type: 'context_usage', used: (stepUsage.input_total || prompt) + stepUsage.output, size: p.contextWindow });
            request = null;
          }
          if (wroteInStep && p.check) checkPending = true;
          wroteInStep = false;
          break;
        }
        case 'error':
          failure ??= classifyError(part.error);
          break;
        default:
          break;
      }
    }
    if (!failure && !p.signal.aborted) produced = (await result.response).messages;
  };

  // The SDK normally ends the stream promptly on abort; racing the signal guarantees it even when
  // a provider or tool ignores cancellation.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (p.signal.aborted) resolve();
    else p.signal.addEventListener('abort', onAbort, { once: true });
  });
  const consumed = consume().catch((err: unknown) => {
    if (!p.signal.aborted) failure ??= classifyError(err);
  });
  await Promise.race([consumed, aborted]);
  live = false;
  if (onAbort) p.signal.removeEventListener('abort', onAbort);

  // A compaction holds whatever the turn's fate: later turns start from its summary.
  const held = compaction ? { compaction } : {};
  if (p.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage, ...held };
  if (failure) {
    const f: TurnError = failure;
    p.log.warn({ code: f.code, message: f.message, steps }, 'native agent: turn failed');
    return { ok: false, stop_reason: 'error', usage, error: f, ...held };
  }
  const stop_reason = stopReasonOf(lastFinish, steps, p.maxSteps);
  const transcript = produced ? transcriptOf(p, lastStep, produced) : null;
  return { ok: stop_reason !== 'error', stop_reason, usage, ...(transcript ? { transcript } : {}), ...held };
}

/**
 * Serialised messages by identity: a turn's steps resend the same message objects, so each is
 * converted and validated once rather than the whole transcript again at every step's journal.
 */
const serialised = new WeakMap<object, TranscriptMessage | null>();

function serialise(m: ModelMessage): TranscriptMessage | null {
  let out = serialised.get(m);
  if (out === undefined) {
    const parsed = TranscriptMessage.safeParse(JSON.parse(JSON.stringify(m)));
    out = parsed.success ? parsed.data : null;
    serialised.set(m, out);
  }
  return out;
}

interface SentStep {
  raw: number;
  sent: ModelMessage[];
  own: number;
}

/**
 * The turn's conversation from its user message on (after a compaction within the turn: from the
 * summary on, the summary excluded), exactly as the next turn must replay it (null: not serialisable).
 */
function transcriptOf(p: NativeTurnParams, lastStep: SentStep, produced: ModelMessage[]): Transcript | null {
  return serialiseAll(p, [...lastStep.sent.slice(lastStep.own), ...produced.slice(lastStep.raw - p.messages.length)]);
}

function serialiseAll(p: NativeTurnParams, messages: ModelMessage[]): Transcript | null {
  const out: TranscriptMessage[] = [];
  for (const m of messages) {
    const t = serialise(m);
    if (!t) {
      // The next turn then falls back to this turn's final text.
      p.log.warn({ role: m.role }, 'native agent: transcript not kept (a message is not serialisable)');
      return null;
    }
    out.push(t);
  }
  return out.length > 0 ? out : null;
}
