import { realpath } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import {
  addUsage,
  emptyUsage,
  PromptInput as PromptInputSchema,
  type AgentBackend,
  type AgentSessionHandle,
  type BackendHealth,
  type EnsureSessionOpts,
  type PromptCtx,
  type PromptInput,
  type SessionKey,
  type TurnResult,
} from '@boocode/contracts';
import type { Env } from '../external/env.js';
import type { SandboxPolicy } from '../sandbox/index.js';
import type { CheckPlan } from './check-after-write.js';
import { NativeAgentConfig, type NativeAgentConfigInput } from './config.js';
import { idleTimeoutFetch } from './idle-fetch.js';
import { silentLogger, type Logger } from './logger.js';
import { toAiTools } from './ai-tools.js';
import { compactBeforeTurn, compactCommand, compactionNotice, summarise, summaryEntry, type SummaryRequest } from './compaction.js';
import { contextWindowOf } from './context-window.js';
import { historyMessages, turnMessages } from './messages.js';
import { MessageCounter, tokenizerFor, toolTokens } from './tokens.js';
import { loadProjectConfig, resolveCheckCommand } from './project-check.js';
import { systemPrompt } from './system-prompt.js';
import type { ToolLimits } from './tools/index.js';
import { runNativeTurn } from './turn.js';

export interface NativeBackendOptions {
  /** Settings every session starts from; `EnsureSessionOpts.config` overrides them key by key. */
  defaults?: Partial<NativeAgentConfigInput>;
  logger?: Logger;
  /** Tool limit overrides (tests use short grep time bounds). */
  toolLimits?: Partial<ToolLimits>;
  /** The server's environment: where `apiKeyEnv` is looked up, and what commands start from. */
  baseEnv: Env;
  /** Confines the agent's commands; none: they run as they are. */
  sandbox?: SandboxPolicy;
}

interface NativeSession {
  root: string;
  config: NativeAgentConfig;
  /** Aborts the running turn, if any. */
  active: AbortController | null;
}

const keyOf = (k: SessionKey): string => `${k.chatId}\u0000${k.agent}`;

const failed = (code: 'bad_request' | 'agent_error', message: string): TurnResult => ({
  ok: false,
  stop_reason: 'error',
  usage: emptyUsage(),
  error: { code, message },
});

/**
 * BooCode's own agent: an OpenAI-compatible model driving the native tools. Stateless with respect
 * to storage: a "session" is only its root and settings; the conversation comes in `input.history`.
 */
/** A sentence for the chat and the logs: which setting is missing or wrong, and where to set it. */
function nativeConfigProblem(err: z.ZodError): string {
  const issue = err.issues[0];
  const field = issue?.path.join('.') || 'config';
  if (field === 'baseURL' && issue?.code === 'invalid_type') {
    return 'the native agent is not configured: set BOOCODE_NATIVE_BASE_URL (and BOOCODE_NATIVE_MODEL), or "native" in config.json';
  }
  return `the native agent is not configured: ${field}: ${issue?.message ?? 'invalid'}`;
}

export class NativeBackend implements AgentBackend {
  readonly kind = 'native' as const;
  private readonly sessions = new Map<string, NativeSession>();
  private readonly log: Logger;

  constructor(private readonly opts: NativeBackendOptions) {
    this.log = opts.logger ?? silentLogger;
    // The encoding takes seconds to load: start now, in the background, rather than inside the
    // first turn (a session with another model loads its own on its first turn).
    const model = opts.defaults?.model;
    if (model) {
      const started = performance.now();
      tokenizerFor(model).then(
        (t) => this.log.debug({ tokenizer: t.name, ms: Math.round(performance.now() - started) }, 'native agent: tokenizer loaded'),
        (err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'native agent: tokenizer failed to load'),
      );
    }
  }

  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    const parsed = NativeAgentConfig.safeParse({ ...this.opts.defaults, ...opts.config });
    if (!parsed.success) throw new Error(nativeConfigProblem(parsed.error));
    // Resolve once: tools compare every path against the real root, so it must not contain symlinks.
    const root = await realpath(opts.root);
    const existing = this.sessions.get(keyOf(key));
    this.sessions.set(keyOf(key), { root, config: parsed.data, active: existing?.active ?? null });
    return {
      key,
      backend: 'native',
      root,
      model: opts.model ?? parsed.data.model ?? null,
      // The native agent has no session of its own to resume; pass through whatever the caller knows.
      resumeToken: opts.resumeToken,
    };
  }

  async prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult> {
    const session = this.sessions.get(keyOf(handle.key));
    if (!session) return failed('bad_request', 'No native session for this chat; call ensureSession first.');
    if (session.active) return failed('bad_request', 'A turn is already running in this chat.');
    const { config } = session;
    const modelId = handle.model ?? config.model;
    if (!modelId) return failed('bad_request', 'No model configured for the native agent.');
    const apiKey = config.apiKey ?? (config.apiKeyEnv ? this.opts.baseEnv[config.apiKeyEnv] : undefined);
    if (config.apiKeyEnv && !config.apiKey && !apiKey) {
      return failed('bad_request', `Environment variable ${config.apiKeyEnv} (the API key) is not set.`);
    }
    const parsedInput = PromptInputSchema.safeParse(input);
    if (!parsedInput.success) return failed('bad_request', `Invalid prompt input: ${parsedInput.error.message}`);
    const { parts, history } = parsedInput.data;

    const ac = new AbortController();
    const onOuterAbort = (): void => ac.abort(ctx.signal.reason);
    if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    session.active = ac;
    const log = this.log;
    try {
      const provider = createOpenAICompatible({
        name: config.providerName,
        baseURL: config.baseURL,
        apiKey,
        headers: config.headers,
        // Without it OpenAI-style servers send no usage on streamed answers.
        includeUsage: true,
        fetch: idleTimeoutFetch(config.idleTimeoutMs),
      });
      const model = provider.chatModel(modelId);
      const system = systemPrompt(session.root, config.systemPrompt);
      const tokenizer = await tokenizerFor(modelId);
      const counter = new MessageCounter(tokenizer);
      const contextWindow = contextWindowOf(modelId, config.contextWindow);
      const hiddenEnv = config.apiKeyEnv ? [config.apiKeyEnv] : [];
      const request: SummaryRequest = {
        model,
        modelId,
        providerName: config.providerName,
        system,
        // The turn's own tool set (with the subagent tools when it has them), so the prefix matches.
        tools: toAiTools({ root: session.root, signal: ac.signal, limits: this.opts.toolLimits, env: this.opts.baseEnv, hiddenEnv, sandbox: this.opts.sandbox, subagents: ctx.subagents }),
        summarise: history,
        instructions: '',
        maxRetries: config.maxRetries,
        signal: ac.signal,
        onEvent: ctx.onEvent,
        counter,
        systemTokens: tokenizer.count(system),
        toolTokens: toolTokens(tokenizer),
      };
      if (!ac.signal.aborted) ctx.onEvent({ type: 'commands', commands: [{ name: 'compact', description: 'Summarise the earlier turns to free context', input_hint: 'what to keep (optional)' }] });

      const command = compactCommand(parts);
      if (command) return await this.compactNow(request, command.instructions, contextWindow, ctx);

      // The turn's own messages: its user message, or a continued turn's journal.
      const own = turnMessages(parsedInput.data);
      const turn = ctx.turn ?? Math.max(0, ...history.map((h) => h.turn ?? 0)) + 1;
      // A continued turn that had compacted its context replays the summary in place of all history.
      const resumedCompaction = parsedInput.data.resume?.compaction;
      const { history: kept, compaction, usage: compactionUsage } = resumedCompaction
        ? { history: [summaryEntry(resumedCompaction.summary, resumedCompaction.through_turn)], compaction: undefined, usage: emptyUsage() }
        : await compactBeforeTurn(request, {
            inputTokens: counter.count(own),
            window: contextWindow,
            compactAt: config.compactAt,
            log,
            chatId: handle.key.chatId,
          });

      const prior = historyMessages(kept);
      const check = await this.checkPlan(session);
      log.debug({ chat: handle.key.chatId, turn: ctx.turn, model: modelId, check: check?.command }, 'native agent: turn start');
      const result = await runNativeTurn({
        model,
        modelId,
        providerName: config.providerName,
        system,
        messages: [...prior, ...own],
        turnStart: prior.length,
        root: session.root,
        maxSteps: config.maxSteps,
        maxRetries: config.maxRetries,
        temperature: config.temperature,
        maxOutputTokens: config.maxOutputTokens,
        check,
        toolLimits: this.opts.toolLimits,
        env: this.opts.baseEnv,
        hiddenEnv,
        sandbox: this.opts.sandbox,
        signal: ac.signal,
        onEvent: ctx.onEvent,
        ...(ctx.recorded ? { recorded: ctx.recorded } : {}),
        log,
        tokenizer,
        contextWindow,
        compactAt: config.compactAt,
        summariser: request,
        turn,
        ...(resumedCompaction ? { compaction: resumedCompaction } : {}),
        stepOffset: compaction ? 1 : 0,
        subagents: ctx.subagents,
      });
      if (!compaction) return result;
      // A compaction within the turn supersedes the one before it (its summary covers that one's).
      return { ...result, usage: addUsage(result.usage, compactionUsage), compaction: result.compaction ?? compaction };
    } catch (err) {
      // A summary request cut short by cancel.
      if (ac.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage: emptyUsage() };
      return failed('agent_error', err instanceof Error ? err.message : String(err));
    } finally {
      ctx.signal.removeEventListener('abort', onOuterAbort);
      if (session.active === ac) session.active = null;
    }
  }

  /** `/compact`: every earlier turn, and this request itself, become one summary. */
  private async compactNow(request: SummaryRequest, instructions: string, contextWindow: number, ctx: PromptCtx): Promise<TurnResult> {
    if (request.summarise.length === 0) {
      ctx.onEvent({ type: 'text', text: 'Nothing to compact yet: this chat has no earlier turns.' });
      return { ok: true, stop_reason: 'end_turn', usage: emptyUsage() };
    }
    const lastTurn = Math.max(...request.summarise.map((h) => h.turn ?? 0));
    const { compaction, usage } = await summarise({ ...request, instructions }, ctx.turn ?? lastTurn + 1, request.counter.count(historyMessages(request.summarise)));
    ctx.onEvent(compactionNotice(compaction, 0, lastTurn));
    // What the next request will start from: the context meter drops at once.
    ctx.onEvent({ type: 'context_usage', used: request.systemTokens + request.toolTokens + compaction.tokens_after, size: contextWindow });
    ctx.onEvent({ type: 'text', text: `Compacted the conversation into a summary of ${compaction.tokens_after.toLocaleString('en-US')} tokens.` });
    return { ok: true, stop_reason: 'end_turn', usage, compaction };
  }

  /** Read per turn: the project may add or change its config between turns. */
  private async checkPlan(session: NativeSession): Promise<CheckPlan | null> {
    const { config: project, error } = await loadProjectConfig(session.root);
    if (error) {
      // Guessing around a config the user got wrong could run a command they meant to switch off.
      this.log.warn({ root: session.root, error }, 'native agent: invalid project config; check-after-write skipped');
      return null;
    }
    const enabled = session.config.checkAfterWrite ?? project.check_after_write ?? true;
    if (!enabled) return null;
    const command = await resolveCheckCommand(session.root, project);
    return command ? { command, timeoutMs: session.config.checkTimeoutMs } : null;
  }

  async cancel(handle: AgentSessionHandle): Promise<void> {
    this.sessions.get(keyOf(handle.key))?.active?.abort(new Error('cancelled'));
  }

  async closeSession(handle: AgentSessionHandle): Promise<void> {
    await this.cancel(handle);
    this.sessions.delete(keyOf(handle.key));
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) s.active?.abort(new Error('disposed'));
    this.sessions.clear();
  }

  /** In-process and stateless: up whenever the process is. Provider reachability shows per turn. */
  async health(): Promise<BackendHealth> {
    return { status: 'up' };
  }
}
