import { realpath } from 'node:fs/promises';
import {
  emptyUsage,
  PromptInput as PromptInputSchema,
  type AgentBackend,
  type AgentSessionHandle,
  type BackendHealth,
  type EnsureSessionOpts,
  type McpServerRef,
  type PermissionPolicy,
  type PromptCtx,
  type PromptInput,
  type SessionKey,
  type TurnErrorCode,
  type TurnResult,
} from '@boocode/contracts';
import { z } from 'zod';
import { delay } from '../external/abort.js';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { resolveOpenCodeBinary } from '../discovery/which.js';
import { ocCall, ocCallParsed, OpenCodeHttpError } from './client.js';
import { parseModel, policyRules, serverEnv, type ServerEnvOptions } from './config.js';
import { DirectoryEventStream } from './events.js';
import { OpenCodeServer, type OpenCodeEndpoint } from './server.js';
import { OpenCodeTurn, type PermissionReply } from './turn.js';
import { OwnTitles, type OpenCodeSessionTitle, type TitleSource } from './titles.js';
import { MessageList, SessionInfo, SessionStatusMap } from './wire.js';
import { errorResult } from '../external/turn-result.js';

export interface OpenCodeBackendOptions extends ServerEnvOptions {
  /** The opencode executable; default: BooCode's `opencode-ai` dependency, then PATH. */
  binary?: string;
  /** Working directory of the server process. */
  cwd?: string;
  /** Provider for model ids given without a `provider/` prefix. */
  defaultProvider?: string | null;
  /** A turn with no event from opencode for this long fails with `timeout`. Default 180 s. */
  inactivityTimeoutMs?: number;
  startTimeoutMs?: number;
  /** How long a cancelled turn waits for opencode to confirm the abort. Default 10 s. */
  cancelGraceMs?: number;
  /** Who names a new opencode session; default `boocode` (no extra model call for a title). */
  titles?: TitleSource;
  logger?: AgentLogger;
}

/** What `EnsureSessionOpts.config` may carry for this backend. */
const SessionConfig = z.looseObject({
  /** opencode agent (`build`, `plan`, or a custom one). */
  agent: z.string().min(1).optional(),
  /**
   * Title of a new opencode session. opencode asks the model to invent a title for untitled
   * sessions (an extra, paid LLM call per chat), so unless the backend leaves titles to opencode
   * a default one is always given.
   */
  title: z.string().min(1).optional(),
});

interface SessionRecord {
  handle: AgentSessionHandle;
  agent: string | undefined;
  /** The title a new opencode session gets; none: opencode's model names it. */
  title: string | undefined;
  /** opencode's own title, reported to BooCode; null when BooCode names the session. */
  ownTitle: OpenCodeSessionTitle | null;
  /** Server generation the session was last verified against; a restart means re-checking it. */
  generation: number;
  turn: OpenCodeTurn | null;
  reconciling: boolean;
  reconcileAgain: boolean;
  /** BooCode's MCP server, with the token of this chat. */
  mcp: McpServerRef | null;
  /** The session's permission policy, held as the opencode session's own permission rules. */
  policy: PermissionPolicy | null;
  /** Whether the turn's events already said the policy is followed (once per ensured session). */
  policyReported: boolean;
}

/** Page size when reconciling; a single turn rarely has more messages than this. */
const RECONCILE_LIMIT = 200;

/**
 * How long a session's first turn waits, once done, for the title opencode generates alongside it
 * (a short answer from a small model: normally in before the turn ends).
 */
const TITLE_WAIT_MS = 5_000;

const keyOf = (k: SessionKey): string => `${k.chatId}\u0000${k.agent}`;

/**
 * BooCode's OpenCode backend: one warm `opencode serve` per BooCode process, one opencode
 * session per chat (its id is the resume token), one `/event` stream per directory. The
 * protocol facts it relies on are listed in docs/agents.md ("OpenCode facts").
 */
export class OpenCodeBackend implements AgentBackend {
  readonly kind = 'opencode_server' as const;
  private readonly logger: AgentLogger;
  private server: OpenCodeServer | null = null;
  private serverInit: Promise<OpenCodeServer> | null = null;
  private readonly streams = new Map<string, DirectoryEventStream>();
  private readonly sessions = new Map<string, SessionRecord>();
  /**
   * opencode's own titles by opencode session id, kept when a chat's session is released: reopened,
   * it must not report the title it already reported (opencode repeats it in its events).
   */
  private readonly ownTitles = new OwnTitles();
  private disposed = false;

  constructor(private readonly opts: OpenCodeBackendOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** The running server, for diagnostics and benchmarks; null before the first use. */
  serverInfo(): { url: string; pid: number; generation: number } | null {
    const e = this.server?.current();
    return e ? { url: e.url, pid: e.pid, generation: e.generation } : null;
  }

  /**
   * Drops and re-opens every event stream (e.g. after a network change). Turns in flight then
   * reconcile from the stored messages, so nothing streamed in the gap is lost or doubled.
   */
  reconnectEvents(): void {
    for (const s of this.streams.values()) s.reconnect();
  }

  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    const cfg = SessionConfig.parse(opts.config ?? {});
    const directory = await realpath(opts.root);
    const endpoint = await this.endpoint();
    const policy = opts.permissionPolicy ?? null;
    let id = opts.resumeToken;
    if (id && !(await this.sessionExists(endpoint, directory, id))) {
      this.logger.warn({ sessionId: id, directory }, 'opencode: stored session is gone; starting a new one');
      id = null;
    }
    // The policy may have changed since the session was made (the pool ensures it again then).
    if (id && policy) await this.applyPolicy(endpoint, directory, id, policy);
    const ownTitles = this.opts.titles === 'opencode' && !cfg.title;
    const title = ownTitles ? undefined : (cfg.title ?? `BooCode chat ${key.chatId}`);
    const fresh = !id;
    id ??= await this.createSession(endpoint, directory, title, policy);
    const handle: AgentSessionHandle = { key, backend: this.kind, root: directory, model: opts.model, resumeToken: id };
    const prev = this.sessions.get(keyOf(key));
    if (prev && prev.handle.root !== directory) this.releaseStream(prev.handle.root, keyOf(key));
    this.sessions.set(keyOf(key), {
      handle,
      agent: cfg.agent,
      title,
      // The stored title belongs to the resumed session, not to one made in its place.
      ownTitle: ownTitles ? this.ownTitles.of(id, fresh, fresh ? null : (opts.knownTitle ?? null)) : null,
      generation: endpoint.generation,
      turn: prev?.turn ?? null,
      reconciling: false,
      reconcileAgain: false,
      mcp: opts.mcp ?? null,
      policy,
      policyReported: false,
    });
    // Open the directory's stream now, so the first prompt does not wait for it.
    this.stream(endpoint, directory);
    return handle;
  }

  /**
   * opencode keeps MCP servers per directory (per instance), not per session: BooCode's is
   * registered again before each turn, with the token of the chat whose turn it is.
   */
  private async registerMcp(endpoint: OpenCodeEndpoint, directory: string, mcp: McpServerRef): Promise<void> {
    try {
      await ocCall(endpoint, directory, 'POST', '/mcp', {
        body: { name: mcp.name, config: { type: 'remote', url: mcp.url, headers: mcp.headers, enabled: true } },
      });
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), directory }, 'opencode: registering BooCode\'s MCP server failed; the turn runs without it');
    }
  }

  async prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult> {
    const parsedInput = PromptInputSchema.safeParse(input);
    if (!parsedInput.success) return errorResult('bad_request', `invalid prompt input: ${parsedInput.error.message}`);
    if (ctx.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage: emptyUsage() };
    const rec = this.sessions.get(keyOf(handle.key));
    if (!rec) return errorResult('bad_request', 'unknown session handle: call ensureSession first');
    if (rec.turn && !rec.turn.isFinished) return errorResult('bad_request', 'a turn is already running in this session');

    let model;
    try {
      model = parseModel(handle.model, this.opts.defaultProvider ?? null);
    } catch (err) {
      return errorResult('bad_request', errorMessage(err));
    }

    let server: OpenCodeServer;
    let endpoint: OpenCodeEndpoint;
    let sessionId: string;
    let stream: DirectoryEventStream;
    try {
      server = await this.serverReady();
      endpoint = await server.ensure();
      sessionId = await this.verifiedSession(rec, endpoint);
      stream = this.stream(endpoint, rec.handle.root);
      await withTimeout(stream.ready, 15_000, 'opencode event stream did not connect');
    } catch (err) {
      return errorResult('agent_crashed', `opencode is not available: ${errorMessage(err)}`);
    }
    if (rec.mcp) await this.registerMcp(endpoint, rec.handle.root, rec.mcp);
    const reportTitle = (title: string): void => {
      this.logger.info({ sessionId, chatId: rec.handle.key.chatId, title }, 'opencode: session titled by opencode');
      ctx.onEvent({ type: 'session_info', title });
    };

    const directory = rec.handle.root;
    const inactivityMs = this.opts.inactivityTimeoutMs ?? 180_000;
    let watchdog: NodeJS.Timeout | undefined;
    // opencode is silent while a permission waits for the user, who may take as long as they like:
    // the watchdog sleeps until the answer and then starts a full period.
    const touch = (): void => {
      clearTimeout(watchdog);
      if (turn.waitingForUser || turn.isFinished) return;
      watchdog = setTimeout(() => {
        this.logger.warn({ sessionId, inactivityMs }, 'opencode: turn inactive; aborting');
        turn.fail('timeout', `no activity from opencode for ${Math.round(inactivityMs / 1000)} s`);
        void this.abortSession(endpoint, directory, sessionId);
      }, inactivityMs);
    };
    const turn = new OpenCodeTurn(sessionId, Date.now(), {
      emit: (event) => ctx.onEvent(event),
      replyPermission: (id, reply) => this.replyPermission(endpoint, directory, id, reply),
      requestReconcile: () => void this.reconcile(rec, turn, endpoint),
      onPermissionError: (err) =>
        this.logger.warn({ err: errorMessage(err), sessionId }, 'opencode: permission reply failed'),
      rejectQuestion: (id) =>
        void ocCall(endpoint, directory, 'POST', `/question/${encodeURIComponent(id)}/reject`).catch((err: unknown) =>
          this.logger.warn({ err: errorMessage(err), sessionId }, 'opencode: question reject failed'),
        ),
      onPermissionsChanged: touch,
    });
    rec.turn = turn;
    if (rec.policy && !rec.policyReported) {
      rec.policyReported = true;
      ctx.onEvent({ type: 'policy_support', policy: rec.policy, level: 'full', reason: null });
    }

    const unsubscribe = stream.subscribe(sessionId, {
      onEvent: (event) => {
        // Not the turn's own progress: opencode updates the session (title, times) on its own.
        if (event.type === 'session.updated') {
          rec.ownTitle?.note(event.title, reportTitle);
          return;
        }
        touch();
        turn.handle(event);
      },
      onReconnect: () => {
        turn.markStreamGap();
        void this.reconcile(rec, turn, endpoint);
      },
    });
    const stopExitWatch = server.onExit((_e, reason) => turn.fail('agent_crashed', reason));
    const onAbort = (): void => void this.cancel(rec.handle);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    touch();

    try {
      // A cancel while the server, session or stream were readied came before the listener: the
      // prompt is not sent at all.
      if (ctx.signal.aborted) turn.forceCancelled();
      else await ocCall(endpoint, directory, 'POST', `/session/${encodeURIComponent(sessionId)}/prompt_async`, {
        body: {
          parts: parsedInput.data.parts.map((p, i) =>
            p.type === 'text'
              ? { type: 'text', text: p.text }
              : { type: 'file', mime: p.mime_type, filename: `image-${i + 1}`, url: `data:${p.mime_type};base64,${p.data}` },
          ),
          ...(model ? { model } : {}),
          ...(rec.agent ? { agent: rec.agent } : {}),
        },
      });
    } catch (err) {
      const code: TurnErrorCode =
        err instanceof OpenCodeHttpError && err.status >= 400 && err.status < 500 ? 'bad_request' : 'agent_crashed';
      turn.fail(code, `opencode refused the prompt: ${errorMessage(err)}`);
    }

    try {
      const result = await turn.done;
      clearTimeout(watchdog);
      // A failed or cancelled first turn does not wait: a title that comes later is reported with
      // the next turn, whose prompt makes opencode send the session (and its title) again.
      await rec.ownTitle?.settle(result.ok ? TITLE_WAIT_MS : 0, ctx.signal);
      return { ...result, resume_token: sessionId };
    } finally {
      clearTimeout(watchdog);
      unsubscribe();
      stopExitWatch();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  async cancel(handle: AgentSessionHandle): Promise<void> {
    const rec = this.sessions.get(keyOf(handle.key));
    const turn = rec?.turn;
    const endpoint = this.server?.current();
    if (!rec || !turn || turn.isFinished || !endpoint) return;
    turn.markCancelled();
    await this.abortSession(endpoint, rec.handle.root, turn.sessionId);
    // opencode confirms an abort with session.error + idle; do not hang if it never does.
    const grace = this.opts.cancelGraceMs ?? 10_000;
    const timer = setTimeout(() => turn.forceCancelled(), grace);
    void turn.done.finally(() => clearTimeout(timer));
  }

  /** Same as closeSession: the opencode session always stays on disk, resumable. */
  releaseSession(handle: AgentSessionHandle): Promise<void> {
    return this.closeSession(handle);
  }

  async closeSession(handle: AgentSessionHandle): Promise<void> {
    const key = keyOf(handle.key);
    const rec = this.sessions.get(key);
    if (!rec) return;
    if (rec.turn && !rec.turn.isFinished) {
      await this.cancel(handle);
      await rec.turn.done;
    }
    this.sessions.delete(key);
    // The opencode session itself stays on disk so a later ensureSession can resume it.
    this.releaseStream(rec.handle.root, key);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const rec of this.sessions.values()) rec.turn?.fail('agent_crashed', 'the opencode backend was shut down');
    this.sessions.clear();
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
    const server = this.server ?? (await this.serverInit?.catch(() => null)) ?? null;
    await server?.stop();
  }

  async health(): Promise<BackendHealth> {
    if (this.disposed) return { status: 'down', detail: 'disposed' };
    const endpoint = this.server?.current();
    if (!endpoint) {
      return this.server
        ? { status: 'down', detail: 'opencode server is not running; the next turn restarts it' }
        : { status: 'up', detail: 'not started yet (starts on first use)' };
    }
    try {
      const res = await fetch(`${endpoint.url}/global/health`, {
        headers: { authorization: endpoint.authorization },
        signal: AbortSignal.timeout(3_000),
      });
      return res.ok ? { status: 'up', detail: endpoint.url } : { status: 'down', detail: `health answered ${res.status}` };
    } catch (err) {
      return { status: 'down', detail: errorMessage(err) };
    }
  }

  private serverReady(): Promise<OpenCodeServer> {
    if (this.disposed) return Promise.reject(new Error('the opencode backend was shut down'));
    this.serverInit ??= this.createServer().catch((err: unknown) => {
      // Let a later call try again (opencode may get installed meanwhile).
      this.serverInit = null;
      throw err;
    });
    return this.serverInit;
  }

  private async endpoint(): Promise<OpenCodeEndpoint> {
    return (await this.serverReady()).ensure();
  }

  private async createServer(): Promise<OpenCodeServer> {
    const binary = this.opts.binary ?? (await resolveOpenCodeBinary(this.opts.baseEnv.PATH ?? ''));
    if (!binary) throw new Error('opencode is not installed (no opencode-ai dependency, not in PATH)');
    const server = new OpenCodeServer({
      binary,
      env: serverEnv(this.opts),
      cwd: this.opts.cwd,
      startTimeoutMs: this.opts.startTimeoutMs,
      logger: this.logger,
    });
    server.onExit(() => {
      // Streams point at the dead server's URL; the next use opens new ones.
      for (const s of this.streams.values()) s.close();
      this.streams.clear();
    });
    this.server = server;
    return server;
  }

  /** The session id to prompt, re-checked after a server restart (recreated if it is gone). */
  private async verifiedSession(rec: SessionRecord, endpoint: OpenCodeEndpoint): Promise<string> {
    const id = rec.handle.resumeToken;
    if (id && rec.generation === endpoint.generation) return id;
    if (id && (await this.sessionExists(endpoint, rec.handle.root, id))) {
      rec.generation = endpoint.generation;
      return id;
    }
    const fresh = await this.createSession(endpoint, rec.handle.root, rec.title, rec.policy);
    this.logger.warn({ old: id, fresh }, 'opencode: session was lost; continuing in a new one');
    if (rec.ownTitle) rec.ownTitle = this.ownTitles.of(fresh, true);
    rec.handle.resumeToken = fresh;
    rec.generation = endpoint.generation;
    return fresh;
  }

  private async sessionExists(endpoint: OpenCodeEndpoint, directory: string, id: string): Promise<boolean> {
    try {
      await ocCallParsed(SessionInfo, endpoint, directory, 'GET', `/session/${encodeURIComponent(id)}`);
      return true;
    } catch (err) {
      if (err instanceof OpenCodeHttpError && (err.status === 404 || err.status === 400)) return false;
      throw err;
    }
  }

  private async createSession(
    endpoint: OpenCodeEndpoint,
    directory: string,
    title: string | undefined,
    policy: PermissionPolicy | null,
  ): Promise<string> {
    const session = await ocCallParsed(SessionInfo, endpoint, directory, 'POST', '/session', {
      body: { ...(title ? { title } : {}), ...(policy ? { permission: policyRules(policy) } : {}) },
    });
    this.logger.info({ sessionId: session.id, directory }, 'opencode: session created');
    return session.id;
  }

  private async applyPolicy(endpoint: OpenCodeEndpoint, directory: string, id: string, policy: PermissionPolicy): Promise<void> {
    await ocCall(endpoint, directory, 'PATCH', `/session/${encodeURIComponent(id)}`, { body: { permission: policyRules(policy) } });
    this.logger.info({ sessionId: id, policy }, 'opencode: session permission rules set for the policy');
  }

  private stream(endpoint: OpenCodeEndpoint, directory: string): DirectoryEventStream {
    const existing = this.streams.get(directory);
    if (existing && existing.endpoint.generation === endpoint.generation) return existing;
    existing?.close();
    const stream = new DirectoryEventStream(endpoint, directory, this.logger);
    this.streams.set(directory, stream);
    return stream;
  }

  /** Closes a directory's stream once no other session uses that directory. */
  private releaseStream(directory: string, exceptKey: string): void {
    for (const [k, rec] of this.sessions) if (k !== exceptKey && rec.handle.root === directory) return;
    this.streams.get(directory)?.close();
    this.streams.delete(directory);
  }

  /**
   * Brings the turn up to date from the session's stored messages. Runs one at a time per
   * session; while the session stays idle but the turn has not settled, it polls.
   */
  private async reconcile(rec: SessionRecord, turn: OpenCodeTurn, endpoint: OpenCodeEndpoint): Promise<void> {
    if (rec.reconciling) {
      rec.reconcileAgain = true;
      return;
    }
    rec.reconciling = true;
    try {
      for (;;) {
        rec.reconcileAgain = false;
        if (turn.isFinished) return;
        const id = encodeURIComponent(turn.sessionId);
        const [list, status] = await Promise.all([
          ocCallParsed(MessageList, endpoint, rec.handle.root, 'GET', `/session/${id}/message?limit=${RECONCILE_LIMIT}`),
          ocCallParsed(SessionStatusMap, endpoint, rec.handle.root, 'GET', '/session/status'),
        ]);
        const st = status[turn.sessionId];
        const busy = st !== undefined && st.type !== 'idle';
        if (turn.reconcile(list, busy)) return;
        if (!rec.reconcileAgain && !turn.waitingAfterIdle) return;
        if (!rec.reconcileAgain) await delay(500);
      }
    } catch (err) {
      // The watchdog still bounds the turn; a failed reconcile must not end it by itself.
      this.logger.warn({ err: errorMessage(err), sessionId: turn.sessionId }, 'opencode: reconcile failed');
    } finally {
      rec.reconciling = false;
    }
  }

  private async replyPermission(
    endpoint: OpenCodeEndpoint,
    directory: string,
    id: string,
    reply: PermissionReply,
  ): Promise<void> {
    await ocCall(endpoint, directory, 'POST', `/permission/${encodeURIComponent(id)}/reply`, { body: { reply } });
  }

  private async abortSession(endpoint: OpenCodeEndpoint, directory: string, sessionId: string): Promise<void> {
    try {
      await ocCall(endpoint, directory, 'POST', `/session/${encodeURIComponent(sessionId)}/abort`);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), sessionId }, 'opencode: abort failed');
    }
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
