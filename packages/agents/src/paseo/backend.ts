import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  emptyUsage,
  PromptInput as PromptInputSchema,
  type AgentBackend,
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

export interface PaseoBackendOptions extends PaseoCliOptions {
  /** Provider Paseo runs the agent with (`paseo import --provider`). Default `opencode`. */
  provider?: string;
}

/** What `EnsureSessionOpts.config` may carry for this backend. */
const SessionConfig = z.looseObject({
  provider: z.string().min(1).optional(),
  /** The provider's own session to import; default: the BooCode session id. */
  providerSessionId: z.string().min(1).optional(),
});

const keyOf = (k: SessionKey): string => `${k.chatId}\u0000${k.agent}`;

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/**
 * BooCode's Paseo backend: the Paseo daemon through its CLI. A chat's Paseo agent is created
 * with `paseo import` and its id is the resume token; turns are `paseo send`, streamed line by
 * line; cancel is `paseo stop`; closing a chat archives its agent. CLI failures become turn errors
 * that say what went wrong (daemon not running, agent gone, the CLI's own message).
 */
export class PaseoBackend implements AgentBackend {
  readonly kind = 'paseo' as const;
  private readonly cli: PaseoCli;
  private readonly logger: AgentLogger;
  /** Turns in flight: the abort for our `paseo send`, and the `paseo stop` sent on cancel. */
  private readonly running = new Map<string, { ac: AbortController; stopping: Promise<void> | null }>();

  constructor(private readonly opts: PaseoBackendOptions) {
    this.cli = new PaseoCli(opts);
    this.logger = opts.logger ?? silentLogger;
  }

  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    const cfg = SessionConfig.parse(opts.config ?? {});
    let id = opts.resumeToken;
    if (id) {
      const agent = await this.find(id);
      if (!agent || agent.Archived === true || agent.ArchivedAt) {
        this.logger.warn({ agentId: id }, 'paseo: stored agent is gone or archived; importing a new one');
        id = null;
      }
    }
    if (!id) {
      id = await this.cli.import(cfg.providerSessionId ?? opts.sessionId, {
        provider: cfg.provider ?? this.opts.provider ?? 'opencode',
        cwd: opts.root,
        labels: { origin: 'boocode', project: opts.projectId, session: opts.sessionId, chat: key.chatId, agent: key.agent },
      });
      this.logger.info({ agentId: id, chat: key.chatId }, 'paseo: agent imported');
    }
    return { key, backend: this.kind, root: opts.root, model: opts.model, resumeToken: id };
  }

  async prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult> {
    const parsed = PromptInputSchema.safeParse(input);
    if (!parsed.success) return errorResult('bad_request', `invalid prompt input: ${parsed.error.message}`);
    const id = handle.resumeToken;
    if (!id) return errorResult('bad_request', 'no Paseo agent for this chat: call ensureSession first');
    if (ctx.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage: emptyUsage(), resume_token: id };
    const key = keyOf(handle.key);
    if (this.running.has(key)) return errorResult('bad_request', 'a turn is already running in this session');

    const text = parsed.data.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n');
    const images = parsed.data.parts.flatMap((p) => (p.type === 'image' ? [p] : []));
    const ac = new AbortController();
    const turn = { ac, stopping: null as Promise<void> | null };
    this.running.set(key, turn);
    const cancelled = async (): Promise<TurnResult> => {
      // Report the turn cancelled only once the agent itself was told to stop.
      await turn.stopping;
      return { ok: false, stop_reason: 'cancelled', usage: emptyUsage(), resume_token: id };
    };
    const onAbort = (): void => void this.cancel(handle);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let imageDir: string | null = null;
    try {
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
      let first = true;
      await this.cli.send(id, text, {
        signal: ac.signal,
        images: imagePaths,
        onLine: (line) => {
          ctx.onEvent({ type: 'text', text: first ? line : `\n${line}` });
          first = false;
        },
      });
      if (ac.signal.aborted) return await cancelled();
      const usage = await this.lastUsage(id, handle.model, (e) => ctx.onEvent(e));
      return { ok: true, stop_reason: 'end_turn', usage, resume_token: id };
    } catch (err) {
      if (ac.signal.aborted) return await cancelled();
      return { ...this.failure(err), resume_token: id };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      this.running.delete(key);
      if (imageDir) await rm(imageDir, { recursive: true, force: true });
    }
  }

  async cancel(handle: AgentSessionHandle): Promise<void> {
    const turn = this.running.get(keyOf(handle.key));
    if (!turn || turn.ac.signal.aborted) return;
    // Killing our `paseo send` only stops waiting; `paseo stop` interrupts the agent itself.
    const id = handle.resumeToken;
    turn.stopping = id
      ? this.cli.stop(id).catch((err: unknown) => {
          this.logger.warn({ err: errorMessage(err), agentId: id }, 'paseo: stop failed');
        })
      : null;
    turn.ac.abort();
    await turn.stopping;
  }

  /** Nothing is warm on our side; the Paseo agent stays (not archived) so the chat can resume it. */
  async releaseSession(handle: AgentSessionHandle): Promise<void> {
    await this.cancel(handle);
  }

  async closeSession(handle: AgentSessionHandle): Promise<void> {
    await this.cancel(handle);
    if (!handle.resumeToken) return;
    try {
      await this.cli.archive(handle.resumeToken);
      this.logger.info({ agentId: handle.resumeToken }, 'paseo: agent archived');
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), agentId: handle.resumeToken }, 'paseo: archive failed');
    }
  }

  /** Stops waiting on running turns. Agents are not archived: the next BooCode run resumes them. */
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
  private async lastUsage(
    id: string,
    model: string | null,
    emit: PromptCtx['onEvent'],
  ): Promise<Usage> {
    let detail: PaseoAgentDetail;
    try {
      detail = await this.cli.inspect(id);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), agentId: id }, 'paseo: inspect after turn failed');
      return emptyUsage();
    }
    const u = detail.LastUsage;
    if (!u) return emptyUsage();
    const input = u.inputTokens ?? 0;
    const cached = u.cachedInputTokens ?? 0;
    const usage: Usage = {
      input_total: input,
      no_cache: Math.max(0, input - cached),
      cache_read: cached,
      cache_write: 0,
      output: u.outputTokens ?? 0,
      reasoning: 0,
    };
    emit({
      type: 'usage',
      usage,
      raw: u,
      ...(detail.Model && detail.Model !== '-' ? { model: detail.Model } : model ? { model } : {}),
      ...(detail.Provider ? { provider: detail.Provider } : {}),
      ...(u.totalCostUsd != null ? { cost: u.totalCostUsd } : {}),
    });
    return usage;
  }

  private failure(err: unknown): TurnResult {
    const message = errorMessage(err);
    let code: TurnErrorCode = 'agent_error';
    let text = message;
    if (err instanceof PaseoCliError && err.daemonDown) {
      code = 'network';
      text = `${message} (is the Paseo daemon running? start it with \`paseo daemon start\`)`;
    }
    this.logger.warn({ err: text }, 'paseo: turn failed');
    return errorResult(code, text);
  }
}

function errorResult(code: TurnErrorCode, message: string): TurnResult {
  return { ok: false, stop_reason: 'error', usage: emptyUsage(), error: { code, message } };
}
