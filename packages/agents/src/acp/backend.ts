import type { SandboxPolicy } from '../sandbox/index.js';
import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import type * as acp from '@agentclientprotocol/sdk/unstable';
import {
  emptyUsage,
  PromptInput as PromptInputSchema,
  type AgentBackend,
  type AgentEvent,
  type AgentSessionHandle,
  type BackendHealth,
  type EnsureSessionOpts,
  type McpServerRef,
  type PermissionPolicy,
  type PermissionOutcome,
  type PromptCtx,
  type PromptInput,
  type SessionKey,
  type StopReason,
  type TurnResult,
  type Usage,
} from '@boocode/contracts';
import { z } from 'zod';
import type { Env } from '../external/env.js';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { AcpAgentProcess, AgentCrashedError, type AcpCommand } from './process.js';
import { matchModel, modelOption, selectValues } from './settings.js';
import { modeForPolicy, unsupportedPolicyNotice } from './modes.js';
import { AcpTranslator, quotaUsage, configOptions } from './translate.js';
import { errorResult } from '../external/turn-result.js';
import { DEFAULT_SILENCE_MS, SilenceWatchdog, spokenDuration } from './silence.js';

export interface AcpBackendOptions {
  /** The agent's name, for logs (e.g. `opencode-acp`, `gemini`). */
  name?: string;
  command: AcpCommand;
  /** The server's environment, which the agent process starts from. */
  baseEnv: Env;
  logger?: AgentLogger;
  /** How long `initialize` may take (agents started through npx can be slow). Default 60 s. */
  initTimeoutMs?: number;
  /** After `session/cancel`, how long the agent gets to end the turn before it is killed. Default 10 s. */
  cancelGraceMs?: number;
  /** A turn with no word from the agent this long shows a notice, after twice as long it is cancelled. 0: never. Default 10 minutes. */
  silenceMs?: number;
  /** Starts each chat's agent process inside the sandbox when the policy names this agent. */
  sandbox?: SandboxPolicy;
}

/** What `EnsureSessionOpts.config` may carry for this backend. */
const SessionConfig = z.looseObject({
  /** Session mode (ACP `set_mode`, or the config option of category `mode`). */
  mode: z.string().min(1).optional(),
});

interface ActiveTurn {
  translator: AcpTranslator;
  emit(event: AgentEvent): void;
  /** Answers every permission request still waiting, with `cancelled`. */
  pending: Set<() => void>;
  cancelled: boolean;
  /** Null until the prompt is sent, and when the silence limit is off. */
  watchdog: SilenceWatchdog | null;
  /** Cancelled by the watchdog, not by the user. */
  silenced: boolean;
}

interface ChatState {
  key: SessionKey;
  root: string;
  model: string | null;
  mode: string | null;
  /** The session's permission policy, applied as the agent's mode unless `mode` is configured. */
  policy: PermissionPolicy | null;
  /** The policy the user was last told the agent cannot follow (told once per policy). */
  policyUnsupported: PermissionPolicy | null;
  /** A mode chosen for the policy that the agent refused in this ACP session: not asked for again. */
  refusedMode: { sessionId: string; mode: string; reason: string } | null;
  proc: AcpAgentProcess | null;
  sessionId: string | null;
  options: acp.SessionConfigOption[];
  modes: acp.SessionModeState | null;
  turn: ActiveTurn | null;
  /** Informational updates that arrived between turns, replayed (latest per type) at the next turn. */
  between: Map<AgentEvent['type'], AgentEvent>;
  /** Why the process died, until a later turn restarts it. */
  crashed: string | null;
  connecting: Promise<Connected> | null;
  /** BooCode's MCP server for this chat, handed to the agent's session. */
  mcp: McpServerRef | null;
}

interface Connected {
  proc: AcpAgentProcess;
  sessionId: string;
}

const keyOf = (k: SessionKey): string => `${k.chatId}\u0000${k.agent}`;

const pairs = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));

/** BooCode's MCP server as ACP names it: over HTTP for agents that take it, else as the `boocode mcp` command. */
function mcpServers(st: ChatState, proc: AcpAgentProcess): acp.McpServer[] {
  if (!st.mcp) return [];
  if (proc.acceptsHttpMcp) return [{ type: 'http', name: st.mcp.name, url: st.mcp.url, headers: pairs(st.mcp.headers) }];
  const { stdio } = st.mcp;
  return stdio ? [{ name: st.mcp.name, command: stdio.command, args: stdio.args, env: pairs(stdio.env) }] : [];
}

const STOP: Record<acp.StopReason, StopReason> = {
  end_turn: 'end_turn',
  max_tokens: 'max_tokens',
  max_turn_requests: 'max_steps',
  refusal: 'refusal',
  cancelled: 'cancelled',
};

/**
 * BooCode's ACP backend: one warm agent process per (chat, agent), spoken to over stdio with
 * `@agentclientprotocol/sdk` 2.x. The agent's session id is the resume token: after a crash or
 * a BooCode restart the next turn starts the process again and resumes (or loads) that session.
 */
export class AcpBackend implements AgentBackend {
  readonly kind = 'acp' as const;
  private readonly logger: AgentLogger;
  private readonly chats = new Map<string, ChatState>();
  private disposed = false;

  constructor(private readonly opts: AcpBackendOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** The agent process of a chat, for diagnostics and benchmarks. */
  processInfo(key: SessionKey): { pid: number | undefined; sessionId: string | null } | null {
    const st = this.chats.get(keyOf(key));
    return st?.proc?.alive ? { pid: st.proc.pid, sessionId: st.sessionId } : null;
  }

  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    if (this.disposed) throw new Error('the ACP backend was shut down');
    const cfg = SessionConfig.parse(opts.config ?? {});
    const root = await realpath(opts.root);
    let st = this.chats.get(keyOf(key));
    if (!st) {
      st = {
        key,
        root,
        model: opts.model,
        mode: cfg.mode ?? null,
        policy: null,
        policyUnsupported: null,
        refusedMode: null,
        proc: null,
        sessionId: null,
        options: [],
        modes: null,
        turn: null,
        between: new Map(),
        crashed: null,
        connecting: null,
        mcp: null,
      };
      this.chats.set(keyOf(key), st);
    }
    if (st.root !== root && st.proc) {
      // A different worktree means a different ACP session (cwd is fixed at session creation).
      st.sessionId = null;
    }
    st.root = root;
    st.model = opts.model;
    st.mode = cfg.mode ?? st.mode;
    st.policy = opts.permissionPolicy ?? null;
    st.mcp = opts.mcp ?? null;
    await this.connect(st, opts.resumeToken);
    return { key, backend: this.kind, root, model: st.model, resumeToken: st.sessionId };
  }

  async prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult> {
    const parsed = PromptInputSchema.safeParse(input);
    if (!parsed.success) return errorResult('bad_request', `invalid prompt input: ${parsed.error.message}`);
    if (ctx.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage: emptyUsage() };
    const st = this.chats.get(keyOf(handle.key));
    if (!st) return errorResult('bad_request', 'unknown session handle: call ensureSession first');
    if (st.turn) return errorResult('bad_request', 'a turn is already running in this session');

    st.model = handle.model;
    let proc: AcpAgentProcess;
    let sessionId: string;
    try {
      ({ proc, sessionId } = await this.connect(st, handle.resumeToken));
    } catch (err) {
      return errorResult(err instanceof AgentCrashedError ? 'agent_crashed' : 'agent_error', errorMessage(err));
    }
    handle.resumeToken = sessionId;

    const blocks: acp.ContentBlock[] = [];
    for (const p of parsed.data.parts) {
      if (p.type === 'text') blocks.push({ type: 'text', text: p.text });
      else if (!proc.acceptsImages) return errorResult('bad_request', `${this.name} does not accept images`);
      else blocks.push({ type: 'image', mimeType: p.mime_type, data: p.data });
    }

    const turn: ActiveTurn = {
      translator: new AcpTranslator((e) => ctx.onEvent(e)),
      emit: (e) => ctx.onEvent(e),
      pending: new Set(),
      cancelled: false,
      watchdog: null,
      silenced: false,
    };
    st.turn = turn;
    for (const e of st.between.values()) ctx.onEvent(e);
    st.between.clear();
    const onAbort = (): void => void this.cancel(handle);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // A cancel while the process and session were readied came before the listener.
    if (ctx.signal.aborted) turn.cancelled = true;

    let result: TurnResult;
    try {
      if (turn.cancelled) {
        // Cancelled before it was sent (also from an event handler above): the agent never sees it.
        result = { ok: false, stop_reason: 'cancelled', usage: emptyUsage(), resume_token: sessionId };
      } else {
        turn.watchdog = this.watchSilence(turn, handle);
        const res = await proc.prompt(sessionId, blocks);
        // Updates sent just before the response may still be in the SDK's dispatch chain.
        await new Promise((r) => setImmediate(r));
        // The standard `usage`, else what gemini-cli (`_meta.quota`) or qwen-code (chunks' `_meta.usage`) report instead.
        const quota = res.usage ? null : quotaUsage(res._meta);
        const chunks = res.usage || quota ? null : turn.translator.chunkUsage;
        const reported = res.usage
          ? { usage: usageFrom(res.usage), raw: res.usage as unknown }
          : quota
            ? { usage: quota, raw: res._meta as unknown }
            : chunks;
        const usage = reported?.usage ?? emptyUsage();
        if (reported) ctx.onEvent({ type: 'usage', usage, raw: reported.raw, ...(st.model ? { model: st.model } : {}) });
        const stop = turn.cancelled ? 'cancelled' : STOP[res.stopReason];
        result = turn.silenced
          ? { ...errorResult('timeout', `${this.silencedSentence()}.`), usage, resume_token: sessionId }
          : { ok: stop === 'end_turn', stop_reason: stop, usage, resume_token: sessionId };
      }
    } catch (err) {
      if (turn.silenced) {
        const how = err instanceof AgentCrashedError ? '; it did not answer that either, so it was stopped' : `: ${errorMessage(err)}`;
        result = { ...errorResult('timeout', `${this.silencedSentence()}${how}.`), resume_token: sessionId };
      } else if (turn.cancelled) {
        result = { ok: false, stop_reason: 'cancelled', usage: emptyUsage(), resume_token: sessionId };
      } else if (err instanceof AgentCrashedError) {
        result = { ...errorResult('agent_crashed', `${this.name}: ${err.message}`), resume_token: sessionId };
      } else {
        result = { ...errorResult('agent_error', `${this.name}: ${errorMessage(err)}`), resume_token: sessionId };
      }
    } finally {
      turn.watchdog?.stop();
      ctx.signal.removeEventListener('abort', onAbort);
      for (const settle of turn.pending) settle();
      st.turn = null;
    }
    return result;
  }

  async cancel(handle: AgentSessionHandle): Promise<void> {
    const st = this.chats.get(keyOf(handle.key));
    const turn = st?.turn;
    if (!st || !turn || turn.cancelled || !st.proc || !st.sessionId) return;
    turn.cancelled = true;
    // From here the cancel grace decides; silence no longer does.
    turn.watchdog?.stop();
    const proc = st.proc;
    // Armed first: sending the cancel can itself wait on an agent that stopped reading its input.
    const grace = this.opts.cancelGraceMs ?? 10_000;
    const timer = setTimeout(() => {
      if (st.turn !== turn) return;
      this.logger.warn({ agent: this.name, grace }, 'acp: agent ignored session/cancel; killing it');
      void proc.kill();
    }, grace);
    timer.unref();
    await proc.cancel(st.sessionId);
    // ACP: once cancelled, the client answers every pending permission request with `cancelled`.
    for (const settle of turn.pending) settle();
  }

  /** Same as closeSession: stopping the process is all there is; the agent keeps the session. */
  releaseSession(handle: AgentSessionHandle): Promise<void> {
    return this.closeSession(handle);
  }

  async closeSession(handle: AgentSessionHandle): Promise<void> {
    const key = keyOf(handle.key);
    const st = this.chats.get(key);
    if (!st) return;
    await this.cancel(handle);
    this.chats.delete(key);
    // The agent keeps the session (if it persists sessions at all); the process is ours to stop.
    await st.proc?.kill();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.chats.values()];
    this.chats.clear();
    await Promise.all(all.map((st) => st.proc?.kill()));
  }

  async health(): Promise<BackendHealth> {
    if (this.disposed) return { status: 'down', detail: 'disposed' };
    for (const st of this.chats.values()) {
      if (st.crashed) return { status: 'down', detail: st.crashed };
    }
    return { status: 'up' };
  }

  async sessionHealth(handle: AgentSessionHandle): Promise<BackendHealth> {
    if (this.disposed) return { status: 'down', detail: 'disposed' };
    const st = this.chats.get(keyOf(handle.key));
    if (!st) return { status: 'down', detail: 'session closed' };
    if (st.crashed) return { status: 'down', detail: st.crashed };
    if (!st.proc?.alive && !st.connecting) return { status: 'down', detail: `${this.name} is not running` };
    return { status: 'up' };
  }

  private get name(): string {
    return this.opts.name ?? this.opts.command.command;
  }

  private get silenceMs(): number {
    return this.opts.silenceMs ?? DEFAULT_SILENCE_MS;
  }

  /**
   * An agent that stays connected but says nothing would hold the turn until BOOCODE_TURN_TIMEOUT_MS
   * (hours): the user is told after a while, and after as long again the turn is cancelled.
   */
  private watchSilence(turn: ActiveTurn, handle: AgentSessionHandle): SilenceWatchdog | null {
    if (this.silenceMs === 0) return null;
    const quiet = spokenDuration(this.silenceMs);
    return new SilenceWatchdog(this.silenceMs, {
      quiet: () => {
        this.logger.warn({ agent: this.name, silenceMs: this.silenceMs }, 'acp: no word from the agent');
        turn.emit({
          type: 'notice',
          severity: 'warning',
          title: `No word from ${this.name} for ${quiet}`,
          description: `It is still running but has sent nothing since. If it stays silent for another ${quiet}, BooCode cancels the turn.`,
        });
      },
      stillQuiet: () => {
        this.logger.warn({ agent: this.name, silenceMs: this.silenceMs }, 'acp: agent silent too long; cancelling the turn');
        turn.silenced = true;
        void this.cancel(handle);
      },
    });
  }

  private silencedSentence(): string {
    return `No word from ${this.name} for ${spokenDuration(2 * this.silenceMs)}, so BooCode cancelled the turn`;
  }

  /** Starts the process and opens, resumes or loads the session, then applies model and mode. */
  private connect(st: ChatState, resumeToken: string | null): Promise<Connected> {
    st.connecting ??= this.doConnect(st, resumeToken).finally(() => {
      st.connecting = null;
    });
    return st.connecting;
  }

  private async doConnect(st: ChatState, resumeToken: string | null): Promise<Connected> {
    if (!st.proc?.alive) {
      st.proc = null;
      st.sessionId = null;
      const proc = await AcpAgentProcess.start(this.opts.command, this.hooks(st), {
        cwd: st.root,
        baseEnv: this.opts.baseEnv,
        logger: this.logger,
        initTimeoutMs: this.opts.initTimeoutMs,
        ...(this.opts.sandbox && this.opts.name ? { sandbox: { policy: this.opts.sandbox, name: this.opts.name } } : {}),
      });
      st.proc = proc;
      st.crashed = null;
      void proc.exited.then((exit) => {
        if (st.proc !== proc) return;
        st.proc = null;
        if (this.disposed || !this.chats.has(keyOf(st.key))) return;
        st.crashed = `${this.name} exited (${exit.signal ?? `code ${exit.code}`})`;
        this.logger.warn({ agent: this.name, code: exit.code, signal: exit.signal, stderr: exit.stderr }, 'acp: agent exited');
      });
    }
    const proc = st.proc;
    let sessionId = st.sessionId;
    if (!sessionId) {
      const token = resumeToken;
      if (token && (proc.canResume || proc.canLoad)) {
        // Known before the answer: load replays history, and settings sent with it must be kept.
        st.sessionId = token;
        try {
          const res = proc.canResume ? await proc.resumeSession(token, st.root, mcpServers(st, proc)) : await proc.loadSession(token, st.root, mcpServers(st, proc));
          sessionId = token;
          st.modes = res.modes ?? null;
          st.options = res.configOptions ?? st.options;
          this.logger.info({ agent: this.name, sessionId: token, how: proc.canResume ? 'resume' : 'load' }, 'acp: session restored');
        } catch (err) {
          st.sessionId = null;
          if (err instanceof AgentCrashedError) throw err;
          this.logger.warn({ agent: this.name, sessionId: token, err: errorMessage(err) }, 'acp: cannot restore session; starting a new one');
        }
      }
      if (!sessionId) {
        const res = await proc.newSession(st.root, mcpServers(st, proc));
        sessionId = res.sessionId;
        st.modes = res.modes ?? null;
        st.options = res.configOptions ?? [];
        this.logger.info({ agent: this.name, sessionId: res.sessionId }, 'acp: session created');
      }
      st.sessionId = sessionId;
      st.between.set('config_options', { type: 'config_options', options: configOptions(st.options) });
      if (st.modes) st.between.set('mode_changed', { type: 'mode_changed', mode_id: st.modes.currentModeId });
    }
    await this.applyModel(st, proc, sessionId);
    await this.applyMode(st, proc, sessionId);
    return { proc, sessionId };
  }

  private async applyModel(st: ChatState, proc: AcpAgentProcess, sessionId: string): Promise<void> {
    if (!st.model) return;
    const opt = modelOption(st.options);
    if (!opt || opt.type !== 'select') {
      this.logger.warn({ agent: this.name, model: st.model }, 'acp: agent offers no model choice; using its default');
      return;
    }
    const want = st.model;
    const match = matchModel(opt, want);
    if (!match) {
      const offered = selectValues(opt).map((v) => v.value);
      throw new Error(`${this.name} does not offer model "${want}"; it offers: ${offered.join(', ') || '(none)'}`);
    }
    if (opt.currentValue === match.value) return;
    const res = await proc.setConfigOption(sessionId, opt.id, match.value);
    st.options = res.configOptions;
    st.between.set('config_options', { type: 'config_options', options: configOptions(st.options) });
  }

  private async applyMode(st: ChatState, proc: AcpAgentProcess, sessionId: string): Promise<void> {
    const want = st.mode ?? this.policyMode(st);
    if (!want) return;
    // Asked once per ACP session (every turn readies the session again); the user was told then.
    const refused = st.refusedMode;
    if (!st.mode && refused?.sessionId === sessionId && refused.mode === want) {
      if (st.policy) st.between.set('policy_support', { type: 'policy_support', policy: st.policy, level: 'partial', reason: refused.reason });
      return;
    }
    // The policy holds once the agent is in its mode; a mode the user configured says nothing about it.
    const followed = (): void => {
      if (!st.mode && st.policy) st.between.set('policy_support', { type: 'policy_support', policy: st.policy, level: 'full', reason: null });
    };
    try {
      if (st.modes && st.modes.availableModes.some((m) => m.id === want)) {
        if (st.modes.currentModeId !== want) {
          await proc.setMode(sessionId, want);
          st.modes = { ...st.modes, currentModeId: want };
          st.between.set('mode_changed', { type: 'mode_changed', mode_id: want });
        }
        return followed();
      }
      const opt = st.options.find((o) => o.category === 'mode');
      if (opt?.type === 'select') {
        if (selectValues(opt).some((v) => v.value === want)) {
          if (opt.currentValue !== want) st.options = (await proc.setConfigOption(sessionId, opt.id, want)).configOptions;
          return followed();
        }
      }
    } catch (err) {
      // A mode the user configured must hold; one chosen for the policy may be refused (gemini-cli
      // keeps its privileged modes off in folders it does not trust): the turn goes on in the
      // agent's own mode, and BooCode still answers its permission questions by the policy.
      if (st.mode) throw err;
      const why = refusalDetails(err);
      this.logger.warn({ agent: this.name, mode: want, err: why }, 'acp: the agent refused the mode for the permission policy');
      const description = `${why}. It stays in its own mode and asks before it acts; BooCode answers those questions by the session's permission policy.`;
      const reason = `It refused its "${want}" mode: ${description}`;
      st.refusedMode = { sessionId, mode: want, reason };
      st.between.set('notice', { type: 'notice', severity: 'warning', title: `${this.name} refused its "${want}" mode`, description });
      if (st.policy) st.between.set('policy_support', { type: 'policy_support', policy: st.policy, level: 'partial', reason });
      return;
    }
    throw new Error(`${this.name} has no mode "${want}"`);
  }

  /** The agent's mode for the session's policy; when it has none, the user is told once. */
  private policyMode(st: ChatState): string | null {
    if (!st.policy) return null;
    const modeOpt = st.options.find((o) => o.category === 'mode');
    const modeIds = st.modes ? st.modes.availableModes.map((m) => m.id) : modeOpt?.type === 'select' ? selectValues(modeOpt).map((v) => v.value) : [];
    const mode = modeForPolicy(modeIds, st.policy);
    if (mode) {
      st.policyUnsupported = null;
      return mode;
    }
    if (st.policyUnsupported !== st.policy) {
      st.policyUnsupported = st.policy;
      this.logger.warn({ agent: this.name, policy: st.policy, modes: modeIds }, 'acp: no agent mode honours the permission policy');
      const notice = unsupportedPolicyNotice(this.name, st.policy, modeIds);
      st.between.set('notice', { type: 'notice', ...notice });
      st.between.set('policy_support', { type: 'policy_support', policy: st.policy, level: 'none', reason: notice.description });
    }
    return null;
  }

  private hooks(st: ChatState): Parameters<typeof AcpAgentProcess.start>[1] {
    return {
      onUpdate: (sessionId, update) => {
        if (sessionId !== st.sessionId) return;
        if (st.turn) {
          st.turn.translator.update(update);
          return;
        }
        // Between turns only settings matter; chunks here are a session/load replaying history.
        new AcpTranslator((e) => {
          if (e.type === 'commands' || e.type === 'config_options' || e.type === 'mode_changed' || e.type === 'session_info') {
            st.between.set(e.type, e);
          }
        }).update(update);
      },
      onPermission: (params, signal) => this.permission(st, params, signal),
      rootFor: (sessionId) => (sessionId === st.sessionId ? st.root : null),
      onActivity: (sessionId) => {
        if (sessionId === st.sessionId) st.turn?.watchdog?.heard();
      },
    };
  }

  private permission(
    st: ChatState,
    params: acp.RequestPermissionRequest,
    signal: AbortSignal,
  ): Promise<acp.RequestPermissionResponse> {
    const turn = st.turn;
    if (!turn || turn.cancelled || params.sessionId !== st.sessionId) {
      return Promise.resolve({ outcome: { outcome: 'cancelled' } });
    }
    turn.translator.announce(params.toolCall);
    const answered = turn.watchdog?.waitOnUser();
    return new Promise((resolve) => {
      const finish = (outcome: acp.RequestPermissionOutcome): void => {
        if (!turn.pending.delete(cancel)) return;
        answered?.();
        resolve({ outcome });
      };
      const cancel = (): void => finish({ outcome: 'cancelled' });
      turn.pending.add(cancel);
      signal.addEventListener('abort', cancel, { once: true });
      const options = params.options;
      turn.emit({
        type: 'permission_request',
        request: {
          id: randomUUID(),
          tool_call_id: params.toolCall.toolCallId,
          title: params.toolCall.title ?? params.toolCall.name ?? 'permission',
          kind: params.toolCall.kind ?? null,
          input: params.toolCall.rawInput,
          options: options.map((o) => ({ id: o.optionId, name: o.name, kind: o.kind })),
        },
        respond: (outcome: PermissionOutcome) => {
          if (outcome.outcome === 'cancelled') return cancel();
          const chosen = options.find((o) => o.optionId === outcome.option_id) ?? options.find((o) => o.kind === outcome.kind);
          finish(chosen ? { outcome: 'selected', optionId: chosen.optionId } : { outcome: 'cancelled' });
        },
      });
    });
  }
}

function usageFrom(u: acp.Usage): Usage {
  const cacheRead = u.cachedReadTokens ?? 0;
  const cacheWrite = u.cachedWriteTokens ?? 0;
  const thought = u.thoughtTokens ?? 0;
  // ACP does not say how the counts overlap. When the total is their plain sum, they are disjoint
  // (opencode acp: input without cache, output without thought).
  if (u.totalTokens === u.inputTokens + u.outputTokens + thought + cacheRead + cacheWrite) {
    return {
      input_total: u.inputTokens + cacheRead + cacheWrite,
      no_cache: u.inputTokens,
      cache_read: cacheRead,
      cache_write: cacheWrite,
      output: u.outputTokens + thought,
      reasoning: thought,
    };
  }
  // Otherwise read inputTokens as the whole prompt (OpenAI style) unless the cache counts exceed
  // it, which only the Anthropic style allows; outputTokens then includes the thought tokens.
  const anthropicStyle = cacheRead + cacheWrite > u.inputTokens;
  const inputTotal = anthropicStyle ? u.inputTokens + cacheRead + cacheWrite : u.inputTokens;
  return {
    input_total: inputTotal,
    no_cache: inputTotal - cacheRead - cacheWrite,
    cache_read: cacheRead,
    cache_write: cacheWrite,
    output: u.outputTokens,
    reasoning: thought,
  };
}

/**
 * What an agent said when it refused a request (JSON-RPC errors carry the reason in
 * `data.details`), without its closing full stop: it is followed by a sentence of BooCode's.
 */
function refusalDetails(err: unknown): string {
  const details = (err as { data?: { details?: unknown } } | null)?.data?.details;
  const said = typeof details === 'string' && details ? details : errorMessage(err);
  return said.trim().replace(/\.+$/, '');
}
