import { sandboxAgentCommand, type SandboxPolicy } from '../sandbox/index.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk/unstable';
import { externalAgentEnv, type Env } from '../external/env.js';
import { NoAnswerError } from '../external/no-answer.js';
import { errorMessage, type AgentLogger } from '../external/logger.js';
import { killProcessTree, TailBuffer, trackChild } from '../external/process.js';
import { readConfined, RefusedPathError, writeConfined } from './fs.js';

/** How to start an ACP agent: `opencode acp`, `qwen --acp`, `claude-agent-acp`, ... */
export interface AcpCommand {
  command: string;
  args?: string[];
  /** Added to (or, when undefined, removed from) the server's environment. */
  env?: Record<string, string | undefined>;
}

export interface AcpProcessHooks {
  /** Called synchronously, in arrival order, for every `session/update`. */
  onUpdate(sessionId: string, update: acp.SessionUpdate): void;
  onPermission(params: acp.RequestPermissionRequest, signal: AbortSignal): Promise<acp.RequestPermissionResponse>;
  /** The worktree a session's file access is confined to; null for sessions this client does not know. */
  rootFor(sessionId: string): string | null;
  /** Called first for every message the agent sends about a session (update, question, file access): it is alive. */
  onActivity?(sessionId: string): void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** BooCode stopped it because it closed its output while still running. */
  closedOutput?: boolean;
}

/** The agent process exited (or its stdio closed) while a request was waiting. */
export class AgentCrashedError extends Error {
  constructor(readonly exit: ProcessExit) {
    const how = exit.closedOutput
      ? 'the agent closed its output (stdout) while still running, so it was stopped'
      : `the agent process exited (${exit.signal ?? `code ${exit.code}`})`;
    super(`${how}${exit.stderr ? `: ${exit.stderr.slice(-1_000)}` : ''}`);
    this.name = 'AgentCrashedError';
  }
}

/**
 * One ACP agent process over stdio, with BooCode as the client: file system access confined to
 * each session's worktree (real paths), permission requests handed to the backend, updates
 * forwarded in arrival order. Every call fails with AgentCrashedError once the process is gone.
 */
export class AcpAgentProcess {
  private exitInfo: ProcessExit | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly conn: acp.ClientConnection,
    readonly init: acp.InitializeResponse,
    readonly exited: Promise<ProcessExit>,
    /** Shared with the exit handler, which reports why BooCode stopped the process. */
    private readonly ending: Ending,
  ) {
    void exited.then((e) => {
      this.exitInfo = e;
    });
  }

  static async start(
    cmd: AcpCommand,
    hooks: AcpProcessHooks,
    opts: {
      cwd: string;
      baseEnv: Env;
      logger: AgentLogger;
      initTimeoutMs?: number;
      clientName?: string;
      /** Starts the agent inside the sandbox when the policy names it (`sandbox.agents`). */
      sandbox?: { policy: SandboxPolicy; name: string };
    },
  ): Promise<AcpAgentProcess> {
    const env = externalAgentEnv(opts.baseEnv, cmd.env);
    const run = opts.sandbox
      ? await sandboxAgentCommand(opts.sandbox.policy, opts.sandbox.name, opts.cwd, cmd.command, cmd.args ?? [], env)
      : ({ ok: true, command: cmd.command, args: cmd.args ?? [], sandboxed: false } as const);
    if (!run.ok) throw new Error(run.error);
    const child = spawn(run.command, run.args, {
      cwd: opts.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so the agent's own children (tools, MCP servers) die with it.
      detached: true,
    });
    trackChild(child);
    const stderr = new TailBuffer();
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    const ending: Ending = { stopping: false, closedOutput: false };
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, stderr: stderr.toString(), ...(ending.closedOutput ? { closedOutput: true } : {}) }));
      child.once('error', (err) => resolve({ code: null, signal: null, stderr: `${errorMessage(err)}\n${stderr}` }));
    });
    // A dead agent makes writes fail with EPIPE; the exit is what we report, not the write error.
    child.stdin!.on('error', () => undefined);

    const app = acp
      .client({ name: opts.clientName ?? 'boocode' })
      .onNotification(acp.methods.client.session.update, ({ params }) => {
        hooks.onActivity?.(params.sessionId);
        hooks.onUpdate(params.sessionId, params.update);
      })
      .onRequest(acp.methods.client.session.requestPermission, ({ params, signal }) => {
        hooks.onActivity?.(params.sessionId);
        return hooks.onPermission(params, signal);
      })
      .onRequest(acp.methods.client.fs.readTextFile, async ({ params }) => {
        hooks.onActivity?.(params.sessionId);
        const root = rootOrThrow(hooks, params.sessionId);
        return { content: await fsCall(() => readConfined(root, params.path, params.line, params.limit)) };
      })
      .onRequest(acp.methods.client.fs.writeTextFile, async ({ params }) => {
        hooks.onActivity?.(params.sessionId);
        const root = rootOrThrow(hooks, params.sessionId);
        await fsCall(() => writeConfined(root, params.path, params.content));
        return {};
      });
    const conn = app.connect(
      acp.ndJsonStream(
        Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
        Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
      ),
    );
    // Without its output the agent can never answer again, and a turn would wait on it forever.
    // An exiting agent closes its output too, a moment before its exit is seen: give it that moment.
    conn.signal.addEventListener(
      'abort',
      () =>
        void (async () => {
          if (ending.stopping) return;
          const gone = await Promise.race([exited.then(() => true), delay(OUTPUT_CLOSED_EXIT_MS).then(() => false)]);
          if (gone || ending.stopping) return;
          ending.closedOutput = true;
          opts.logger.warn({ pid: child.pid }, 'acp: the agent closed its output while still running; stopping it');
          await killProcessTree(child);
        })(),
      { once: true },
    );
    const initTimeoutMs = opts.initTimeoutMs ?? 60_000;
    try {
      const init = await raceExit(
        conn.agent.request(acp.methods.agent.initialize, {
          protocolVersion: acp.PROTOCOL_VERSION,
          clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: false },
          clientInfo: { name: 'boocode', version: '0.1.0' },
        }),
        exited,
        initTimeoutMs,
        () => conn.signal.aborted,
      );
      opts.logger.info(
        { pid: child.pid, agent: init.agentInfo?.name, version: init.agentInfo?.version },
        'acp: agent initialized',
      );
      return new AcpAgentProcess(child, conn, init, exited, ending);
    } catch (err) {
      ending.stopping = true;
      conn.close();
      await killProcessTree(child, 1_000);
      throw err;
    }
  }

  get alive(): boolean {
    return this.exitInfo === null && !this.conn.signal.aborted;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get canLoad(): boolean {
    return this.init.agentCapabilities?.loadSession === true;
  }

  get canResume(): boolean {
    return Boolean(this.init.agentCapabilities?.sessionCapabilities?.resume);
  }

  get acceptsImages(): boolean {
    return this.init.agentCapabilities?.promptCapabilities?.image === true;
  }

  /** The agent connects to MCP servers over HTTP (every ACP agent takes stdio ones). */
  get acceptsHttpMcp(): boolean {
    return this.init.agentCapabilities?.mcpCapabilities?.http === true;
  }

  newSession(cwd: string, mcpServers: acp.McpServer[] = []): Promise<acp.NewSessionResponse> {
    return this.call(this.conn.agent.request(acp.methods.agent.session.new, { cwd, mcpServers }));
  }

  loadSession(sessionId: string, cwd: string, mcpServers: acp.McpServer[] = []): Promise<acp.LoadSessionResponse> {
    return this.call(this.conn.agent.request(acp.methods.agent.session.load, { sessionId, cwd, mcpServers }));
  }

  resumeSession(sessionId: string, cwd: string, mcpServers: acp.McpServer[] = []): Promise<acp.ResumeSessionResponse> {
    return this.call(this.conn.agent.request(acp.methods.agent.session.resume, { sessionId, cwd, mcpServers }));
  }

  setConfigOption(sessionId: string, configId: string, value: string): Promise<acp.SetSessionConfigOptionResponse> {
    return this.call(
      this.conn.agent.request(acp.methods.agent.session.setConfigOption, { sessionId, configId, value }),
    );
  }

  setMode(sessionId: string, modeId: string): Promise<acp.SetSessionModeResponse> {
    return this.call(this.conn.agent.request(acp.methods.agent.session.setMode, { sessionId, modeId }));
  }

  prompt(sessionId: string, prompt: acp.ContentBlock[]): Promise<acp.PromptResponse> {
    return this.call(this.conn.agent.request(acp.methods.agent.session.prompt, { sessionId, prompt }), 0);
  }

  async cancel(sessionId: string): Promise<void> {
    if (!this.alive) return;
    await this.conn.agent.notify(acp.methods.agent.session.cancel, { sessionId }).catch(() => undefined);
  }

  async kill(): Promise<void> {
    this.ending.stopping = true;
    this.conn.close();
    await killProcessTree(this.child);
  }

  /** A request that fails as AgentCrashedError when the process dies first. 0 = no timeout. */
  private call<T>(p: Promise<T>, timeoutMs = 120_000): Promise<T> {
    return raceExit(p, this.exited, timeoutMs, () => this.conn.signal.aborted);
  }
}

/** How the process is being ended: by BooCode on purpose, or because it closed its output. */
interface Ending {
  stopping: boolean;
  closedOutput: boolean;
}

/** How long an agent whose output closed has to exit by itself before it is stopped. */
const OUTPUT_CLOSED_EXIT_MS = 1_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function rootOrThrow(hooks: AcpProcessHooks, sessionId: string): string {
  const root = hooks.rootFor(sessionId);
  if (!root) throw acp.RequestError.invalidParams({ sessionId }, 'unknown session');
  return root;
}

/** File errors as JSON-RPC errors the agent can show: refused (outside the root, .git), missing, or other. */
async function fsCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof RefusedPathError) throw acp.RequestError.invalidParams({ path: err.path }, err.message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw acp.RequestError.resourceNotFound(errorMessage(err));
    throw acp.RequestError.internalError(undefined, errorMessage(err));
  }
}

/**
 * `p`, failing as AgentCrashedError when the process exits first. Once `connectionClosed`, the exit
 * follows (the agent's own, or BooCode stopping it), and it is what explains a failed request.
 */
function raceExit<T>(p: Promise<T>, exited: Promise<ProcessExit>, timeoutMs: number, connectionClosed: () => boolean): Promise<T> {
  // One promise settled once (not Promise.race over rejecting guards), so a guard that fires
  // after the request settled cannot become an unhandled rejection.
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer =
      timeoutMs > 0
        ? setTimeout(() => settle(() => reject(new NoAnswerError(`the agent did not answer within ${timeoutMs} ms`))), timeoutMs)
        : undefined;
    void exited.then((e) => settle(() => reject(new AgentCrashedError(e))));
    p.then(
      (v) => settle(() => resolve(v)),
      (err: unknown) => {
        if (!connectionClosed()) settle(() => reject(err));
      },
    );
  });
}
