import { realpath } from 'node:fs/promises';
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
  type TurnResult,
} from '@boocode/contracts';
import { externalAgentEnv, type Env } from '../external/env.js';
import { silentLogger, type AgentLogger } from '../external/logger.js';
import { sandboxAgentCommand, type SandboxPolicy } from '../sandbox/index.js';
import { runInPty } from './run.js';
import { fillTemplate } from './template.js';
import { errorResult } from '../external/turn-result.js';

export interface PtyBackendOptions {
  /** The agent's name (config.json `agents.<name>`), for messages, logs and `sandbox.agents`. */
  name: string;
  /** Executable, then the argument template. */
  command: string;
  args: string[];
  /** The agent's configured env, over the server's (scrubbed of BooCode's own settings). */
  env: Record<string, string>;
  baseEnv: Env;
  /** Time limit of one run. */
  timeoutMs: number;
  logger?: AgentLogger;
  sandbox?: SandboxPolicy;
  /** Passed to runInPty (tests shorten them). */
  graceMs?: number;
}

interface PtySession {
  root: string;
  model: string | null;
  /** Aborts the running turn's command; null between turns. */
  running: AbortController | null;
}

const keyOf = (k: SessionKey): string => `${k.chatId}\u0000${k.agent}`;

/** Default time limit of one run of a terminal agent (config.json `agents.<name>.timeout_seconds`). */
export const DEFAULT_PTY_TIMEOUT_SECONDS = 1_800;

/**
 * The last resort for coding CLIs that speak no protocol (`aider --message`, `claude -p`,
 * `codex exec`, any script): each turn runs the configured command once, in a pseudo-terminal in
 * the session's worktree, and streams what it prints as the answer. Nothing is kept between turns
 * on BooCode's side; the exit code says whether the turn succeeded.
 */
export class PtyBackend implements AgentBackend {
  readonly kind = 'pty' as const;
  private readonly logger: AgentLogger;
  private readonly sessions = new Map<string, PtySession>();
  private disposed = false;

  constructor(private readonly opts: PtyBackendOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    if (this.disposed) throw new Error('the terminal agent backend was shut down');
    const root = await realpath(opts.root);
    const st = this.sessions.get(keyOf(key));
    if (st) {
      st.root = root;
      st.model = opts.model;
    } else {
      this.sessions.set(keyOf(key), { root, model: opts.model, running: null });
    }
    return { key, backend: this.kind, root, model: opts.model, resumeToken: null };
  }

  async prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult> {
    const parsed = PromptInputSchema.safeParse(input);
    if (!parsed.success) return errorResult('bad_request', `invalid prompt input: ${parsed.error.message}`);
    const st = this.sessions.get(keyOf(handle.key));
    if (!st) return errorResult('bad_request', 'unknown session handle: call ensureSession first');
    if (st.running) return errorResult('bad_request', 'a turn is already running in this session');
    if (parsed.data.parts.some((p) => p.type === 'image')) {
      return errorResult('bad_request', `${this.opts.name} is a terminal command: it takes text only, not images`);
    }
    if (ctx.signal.aborted) return { ok: false, stop_reason: 'cancelled', usage: emptyUsage() };
    const prompt = parsed.data.parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n\n');
    const args = fillTemplate(this.opts.args, { prompt, model: handle.model, worktree: st.root });
    const env = externalAgentEnv(this.opts.baseEnv, this.opts.env);
    env.TERM ??= 'xterm-256color';
    const run = await sandboxAgentCommand(this.opts.sandbox, this.opts.name, st.root, this.opts.command, args, env);
    if (!run.ok) return errorResult('agent_error', run.error);

    const running = new AbortController();
    st.running = running;
    const onAbort = (): void => running.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const log = { agent: this.opts.name, chat: handle.key.chatId, turn: ctx.turn };
    try {
      const outcome = await runInPty({
        command: run.command,
        args: run.args,
        cwd: st.root,
        env,
        timeoutMs: this.opts.timeoutMs,
        signal: running.signal,
        graceMs: this.opts.graceMs,
        onText: (text) => ctx.onEvent({ type: 'text', text }),
        onStart: (pid) => this.logger.info({ ...log, pid, sandboxed: run.sandboxed }, 'pty: command started'),
      });
      this.logger.info({ ...log, outcome: outcome.kind, ...(outcome.kind === 'exited' ? { code: outcome.code } : {}) }, 'pty: command ended');
      switch (outcome.kind) {
        case 'cancelled':
          return { ok: false, stop_reason: 'cancelled', usage: emptyUsage() };
        case 'timed_out':
          return errorResult(
            'timeout',
            `${this.opts.name} ran longer than its time limit of ${Math.round(this.opts.timeoutMs / 1000)} s and was stopped (agents.${this.opts.name}.timeout_seconds in config.json)`,
          );
        case 'not_started':
          return errorResult('agent_error', `${this.opts.name} could not be started: ${outcome.error}`);
        case 'exited': {
          if (outcome.code === 0 && outcome.signal === null) return { ok: true, stop_reason: 'end_turn', usage: emptyUsage() };
          const how = outcome.signal !== null ? `was killed by signal ${outcome.signal}` : `exited with code ${outcome.code}`;
          return errorResult('agent_error', `${this.opts.name} ${how}${outcome.tail ? `. Its last output:\n${outcome.tail}` : ' and printed nothing'}`);
        }
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      st.running = null;
    }
  }

  async cancel(handle: AgentSessionHandle): Promise<void> {
    this.sessions.get(keyOf(handle.key))?.running?.abort();
  }

  async closeSession(handle: AgentSessionHandle): Promise<void> {
    await this.cancel(handle);
    this.sessions.delete(keyOf(handle.key));
  }

  /** Nothing is kept warm between turns: only a session with no turn running is forgotten. */
  async releaseSession(handle: AgentSessionHandle): Promise<void> {
    const key = keyOf(handle.key);
    if (!this.sessions.get(key)?.running) this.sessions.delete(key);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const st of this.sessions.values()) st.running?.abort();
    this.sessions.clear();
  }

  async health(): Promise<BackendHealth> {
    return this.disposed ? { status: 'down', detail: 'disposed' } : { status: 'up' };
  }
}
