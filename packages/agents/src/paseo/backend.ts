import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  emptyUsage,
  PromptInput as PromptInputSchema,
  type AgentBackend,
  type AgentEvent,
  type AgentSessionHandle,
  type BackendHealth,
  type EnsureSessionOpts,
  type PromptCtx,
  type PromptInput,
  type SessionKey,
  type TurnErrorCode,
  type TurnResult,
  type Usage,
} from '@boocode/contracts';
import { z } from 'zod';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { PaseoCli, PaseoCliError, type PaseoAgentDetail, type PaseoCliOptions } from './cli.js';
import { PaseoStream, type PaseoStreamEvent } from './stream.js';
import { errorResult } from '../external/turn-result.js';

export interface PaseoBackendOptions extends PaseoCliOptions {
  /** Provider Paseo runs the agent with (`paseo run --provider`). Default `opencode`. */
  provider?: string;
}

/** What `EnsureSessionOpts.config` may carry for this backend. */
const SessionConfig = z.looseObject({
  provider: z.string().min(1).optional(),
  /** A session the provider already has (opencode's `ses_...`) to continue, given by the user. */
  providerSessionId: z.string().min(1).optional(),
});

const ToolDetail = z.looseObject({ type: z.string(), input: z.unknown().optional(), output: z.unknown().optional() });

const keyOf = (k: SessionKey): string => `${k.chatId}\u0000${k.agent}`;

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** How a turn ended, as the daemon's stream told it. */
type Outcome =
  | { kind: 'completed' }
  | { kind: 'error'; message: string }
  | { kind: 'canceled'; reason: string }
  | { kind: 'lost'; message: string };

interface RunningTurn {
  agentId: string | null;
  ac: AbortController;
  stopping: Promise<void> | null;
}

/**
 * BooCode's Paseo backend, on the Paseo daemon's own behaviour: the first turn creates the agent
 * (`paseo run --detach` in the worktree), later turns `paseo send --no-wait`; the turn is followed
 * on the daemon's WebSocket stream (text, reasoning and tool calls as they happen; completed,
 * failed or cancelled from its turn events), usage is read from `paseo inspect` once it ends.
 * Cancel is `paseo stop`; closing a chat archives its agent (`--force`). The agent id is the resume
 * token; a provider session the user names is imported instead of starting a new agent.
 */
export class PaseoBackend implements AgentBackend {
  readonly kind = 'paseo' as const;
  private readonly cli: PaseoCli;
  private readonly logger: AgentLogger;
  private readonly running = new Map<string, RunningTurn>();
  /** Provider and labels of each chat's agent, for the turn that creates it. */
  private readonly pending = new Map<string, { provider: string; labels: Record<string, string> }>();

  constructor(private readonly opts: PaseoBackendOptions) {
    this.cli = new PaseoCli(opts);
    this.logger = opts.logger ?? silentLogger;
  }

  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    const cfg = SessionConfig.parse(opts.config ?? {});
    const provider = cfg.provider ?? this.opts.provider ?? 'opencode';
    let id = opts.resumeToken;
    if (id) {
      const agent = await this.find(id);
      if (!agent || agent.Archived === true || agent.ArchivedAt) {
        this.logger.warn({ agentId: id }, 'paseo: stored agent is gone or archived; the next turn starts a new one');
        id = null;
      }
    }
    const labels = { origin: 'boocode', project: opts.projectId, session: opts.sessionId, chat: key.chatId, agent: key.agent };
    if (!id && cfg.providerSessionId) {
      id = await this.cli.import(cfg.providerSessionId, { provider, cwd: opts.root, labels });
      this.logger.info({ agentId: id, chat: key.chatId }, 'paseo: provider session imported');
    }
    // No agent yet: `paseo run` creates it with the first prompt.
    this.pending.set(keyOf(key), { provider, labels });
    return { key, backend: this.kind, root: opts.root, model: opts.model, resumeToken: id };
  }

  async prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult> {
    const parsed = PromptInputSchema.safeParse(input);
    if (!parsed.success) return errorResult('bad_request', `invalid prompt input: ${parsed.error.message}`);
    const key = keyOf(handle.key);
    if (ctx.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage: emptyUsage(), resume_token: handle.resumeToken };
    if (this.running.has(key)) return errorResult('bad_request', 'a turn is already running in this session');

    const text = parsed.data.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n');
    const images = parsed.data.parts.flatMap((p) => (p.type === 'image' ? [p] : []));
    const turn: RunningTurn = { agentId: handle.resumeToken, ac: new AbortController(), stopping: null };
    this.running.set(key, turn);
    const onAbort = (): void => void this.cancel(handle);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let imageDir: string | null = null;
    let stream: PaseoStream | null = null;
    try {
      // Connected before the turn starts, so none of its events is missed.
      stream = await PaseoStream.open(this.cli.host, { timeoutMs: this.opts.timeoutMs ?? 30_000, logger: this.logger });
      const imagePaths: string[] = [];
      if (images.length > 0) {
        // The CLI takes images as files.
        imageDir = await mkdtemp(join(tmpdir(), 'boocode-paseo-'));
        for (const [i, img] of images.entries()) {
          const path = join(imageDir, `image-${i + 1}.${EXT[img.mime_type] ?? 'png'}`);
          await writeFile(path, Buffer.from(img.data, 'base64'));
          imagePaths.push(path);
        }
      }
      if (turn.agentId) {
        await this.cli.send(turn.agentId, text, { images: imagePaths });
      } else {
        const p = this.pending.get(key) ?? { provider: this.opts.provider ?? 'opencode', labels: {} };
        turn.agentId = await this.cli.run(text, { provider: p.provider, model: handle.model, cwd: handle.root, labels: p.labels, images: imagePaths });
        handle.resumeToken = turn.agentId;
        this.logger.info({ agentId: turn.agentId, chat: handle.key.chatId }, 'paseo: agent created');
      }
      const agentId = turn.agentId;
      if (turn.ac.signal.aborted) {
        // Cancelled while `paseo run` was creating the agent: its turn started anyway, stop it now.
        turn.stopping = this.stopQuietly(agentId);
        return await this.cancelled(turn, agentId);
      }
      const outcome = await this.follow(stream, agentId, turn, ctx);
      switch (outcome.kind) {
        case 'completed':
          return { ok: true, stop_reason: 'end_turn', usage: await this.lastUsage(agentId, handle.model, ctx.onEvent), resume_token: agentId };
        case 'canceled':
          if (turn.ac.signal.aborted) return await this.cancelled(turn, agentId);
          return { ...errorResult('agent_error', `the Paseo agent's turn was cancelled in Paseo (${outcome.reason})`), resume_token: agentId };
        case 'error':
          this.logger.warn({ agentId, err: outcome.message }, 'paseo: turn failed');
          return { ...errorResult('agent_error', outcome.message), resume_token: agentId };
        case 'lost':
          return { ...errorResult('network', outcome.message), resume_token: agentId };
      }
      return outcome satisfies never;
    } catch (err) {
      if (turn.ac.signal.aborted) return await this.cancelled(turn, turn.agentId);
      return { ...this.failure(err), resume_token: turn.agentId };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      stream?.close();
      this.running.delete(key);
      if (imageDir) await rm(imageDir, { recursive: true, force: true });
    }
  }

  async cancel(handle: AgentSessionHandle): Promise<void> {
    const turn = this.running.get(keyOf(handle.key));
    if (!turn || turn.ac.signal.aborted) return;
    // `paseo stop` interrupts the agent itself; the turn then ends on its `turn_canceled`.
    const id = turn.agentId;
    turn.stopping = id ? this.stopQuietly(id) : null;
    turn.ac.abort();
    await turn.stopping;
  }

  private stopQuietly(id: string): Promise<void> {
    return this.cli.stop(id).catch((err: unknown) => {
      this.logger.warn({ err: errorMessage(err), agentId: id }, 'paseo: stop failed');
    });
  }

  /** Nothing is warm on our side; the Paseo agent stays (not archived) so the chat can resume it. */
  async releaseSession(handle: AgentSessionHandle): Promise<void> {
    await this.cancel(handle);
  }

  async closeSession(handle: AgentSessionHandle): Promise<void> {
    await this.cancel(handle);
    this.pending.delete(keyOf(handle.key));
    if (!handle.resumeToken) return;
    try {
      await this.cli.archive(handle.resumeToken);
      this.logger.info({ agentId: handle.resumeToken }, 'paseo: agent archived');
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), agentId: handle.resumeToken }, 'paseo: archive failed');
    }
  }

  /** Stops following running turns. Agents are not archived: the next BooCode run resumes them. */
  async dispose(): Promise<void> {
    for (const turn of this.running.values()) turn.ac.abort();
    this.running.clear();
  }

  async health(): Promise<BackendHealth> {
    try {
      await this.cli.ls();
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', detail: errorMessage(err) };
    }
  }

  /** Relays the agent's stream events until its turn ends, the connection drops or BooCode cancels. */
  private follow(stream: PaseoStream, agentId: string, turn: RunningTurn, ctx: PromptCtx): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const tools = new Set<string>();
      let lastError: string | null = null;
      const onAbort = (): void => {
        // Resolved by `turn_canceled`; if that never comes (the turn had already ended), once the stop returns.
        void turn.stopping?.then(() => resolve({ kind: 'canceled', reason: 'stopped by BooCode' }));
      };
      turn.ac.signal.addEventListener('abort', onAbort, { once: true });
      const done = (o: Outcome): void => {
        turn.ac.signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      stream.follow(
        agentId,
        (e) => {
          const end = this.relay(e, agentId, tools, ctx);
          const item: Record<string, unknown> = e.type === 'timeline' && 'item' in e && isRecord(e.item) ? e.item : {};
          if (item.type === 'error' && typeof item.message === 'string') lastError = item.message;
          if (end === 'completed') done({ kind: 'completed' });
          else if (end === 'failed') done({ kind: 'error', message: failedMessage(e, lastError) });
          else if (end === 'canceled') done({ kind: 'canceled', reason: 'reason' in e && typeof e.reason === 'string' ? e.reason : 'interrupted' });
        },
        (reason) => done({ kind: 'lost', message: `${reason} while the agent was working` }),
      );
    });
  }

  /** Turns one stream event into BooCode's; says when it ends the turn. */
  private relay(
    e: PaseoStreamEvent,
    agentId: string,
    tools: Set<string>,
    ctx: PromptCtx,
  ): 'completed' | 'failed' | 'canceled' | null {
    switch (e.type) {
      case 'turn_completed':
        return 'completed';
      case 'turn_failed':
        return 'failed';
      case 'turn_canceled':
        return 'canceled';
      case 'permission_requested':
        if ('request' in e) this.askPermission(e.request as Record<string, unknown>, agentId, ctx);
        return null;
      case 'timeline':
        if ('item' in e) this.relayItem(e.item as Record<string, unknown>, tools, ctx.onEvent);
        return null;
      default:
        return null;
    }
  }

  private relayItem(item: Record<string, unknown>, tools: Set<string>, emit: (e: AgentEvent) => void): void {
    const now = new Date().toISOString();
    if ((item.type === 'assistant_message' || item.type === 'reasoning') && typeof item.text === 'string') {
      emit({ type: item.type === 'assistant_message' ? 'text' : 'reasoning', text: item.text });
      return;
    }
    if (item.type !== 'tool_call' || typeof item.callId !== 'string' || typeof item.name !== 'string') return;
    const detail = ToolDetail.safeParse(item.detail);
    const input = detail.success && isRecord(detail.data.input) ? detail.data.input : detail.success ? { ...detail.data } : {};
    if (!tools.has(item.callId)) {
      tools.add(item.callId);
      emit({ type: 'tool_call', id: item.callId, name: item.name, input, started_at: now });
    }
    if (item.status === 'running') return;
    const output = detail.success && detail.data.output !== undefined ? outputText(detail.data.output) : undefined;
    emit({
      type: 'tool_update',
      id: item.callId,
      status: item.status === 'completed' ? 'completed' : 'failed',
      input,
      ...(output !== undefined ? { output } : {}),
      ...(item.status !== 'completed' ? { error: item.error != null ? outputText(item.error) : String(item.status) } : {}),
      finished_at: now,
    });
  }

  /** Paseo's permission request goes to BooCode's policy or user; the answer back through `paseo permit`. */
  private askPermission(request: Record<string, unknown>, agentId: string, ctx: PromptCtx): void {
    const id = typeof request.id === 'string' ? request.id : null;
    if (!id) return;
    const title = [request.title, request.name].find((v): v is string => typeof v === 'string') ?? 'The Paseo agent asks for permission';
    ctx.onEvent({
      type: 'permission_request',
      request: {
        id,
        tool_call_id: null,
        title,
        kind: typeof request.kind === 'string' ? request.kind : null,
        input: request.input,
        options: [
          { id: 'allow', name: 'Allow', kind: 'allow_once' },
          { id: 'deny', name: 'Deny', kind: 'reject_once' },
        ],
      },
      respond: (outcome) => {
        const allow = outcome.outcome === 'selected' && outcome.kind.startsWith('allow');
        this.cli.permit(agentId, id, allow).catch((err: unknown) => {
          this.logger.warn({ err: errorMessage(err), agentId, requestId: id }, 'paseo: permission answer failed');
        });
      },
    });
  }

  private async cancelled(turn: RunningTurn, agentId: string | null): Promise<TurnResult> {
    // Report the turn cancelled only once the agent itself was told to stop.
    await turn.stopping;
    return { ok: false, stop_reason: 'cancelled', usage: emptyUsage(), resume_token: agentId };
  }

  /** The agent, or null when Paseo no longer knows it. */
  private async find(id: string): Promise<PaseoAgentDetail | null> {
    try {
      return await this.cli.inspect(id);
    } catch (err) {
      if (err instanceof PaseoCliError && err.notFound) return null;
      throw err;
    }
  }

  /** The turn's usage as `paseo inspect` reports it (LastUsage); empty if it reports none. */
  private async lastUsage(id: string, model: string | null, emit: PromptCtx['onEvent']): Promise<Usage> {
    let detail: PaseoAgentDetail;
    try {
      detail = await this.cli.inspect(id);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), agentId: id }, 'paseo: inspect after turn failed');
      return emptyUsage();
    }
    const u = detail.LastUsage;
    if (!u) return emptyUsage();
    // Paseo's InputTokens leaves out the cached ones.
    const fresh = u.InputTokens ?? 0;
    const cached = u.CachedTokens ?? 0;
    const usage: Usage = {
      input_total: fresh + cached,
      no_cache: fresh,
      cache_read: cached,
      cache_write: 0,
      output: u.OutputTokens ?? 0,
      reasoning: 0,
    };
    emit({
      type: 'usage',
      usage,
      raw: u,
      ...(detail.Model && detail.Model !== '-' ? { model: detail.Model } : model ? { model } : {}),
      ...(detail.Provider ? { provider: detail.Provider } : {}),
      ...(u.CostUsd != null ? { cost: u.CostUsd } : {}),
    });
    return usage;
  }

  private failure(err: unknown): TurnResult {
    const message = errorMessage(err);
    let code: TurnErrorCode = 'agent_error';
    let text = message;
    if ((err instanceof PaseoCliError && err.daemonDown) || /cannot connect to the Paseo daemon/.test(message)) {
      code = 'network';
      text = `${message} (is the Paseo daemon running at ${this.cli.host}? start it with \`paseo daemon start\`)`;
    }
    this.logger.warn({ err: text }, 'paseo: turn failed');
    return errorResult(code, text);
  }
}

function failedMessage(e: PaseoStreamEvent, lastError: string | null): string {
  const error = 'error' in e && typeof e.error === 'string' ? e.error : null;
  const diagnostic = 'diagnostic' in e && typeof e.diagnostic === 'string' ? e.diagnostic : null;
  const parts = [error ?? lastError ?? 'the Paseo agent failed', diagnostic].filter((p): p is string => !!p);
  return parts.join(': ');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const outputText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
