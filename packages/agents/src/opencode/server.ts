import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { killProcessTree, TailBuffer, trackChild } from '../external/process.js';

export interface OpenCodeServerOptions {
  /** The `opencode` executable. */
  binary: string;
  /** Full environment of the server process (HOME, XDG dirs, OPENCODE_* ...). */
  env: NodeJS.ProcessEnv;
  /** Working directory of the server; sessions pick their own directory per request. */
  cwd?: string;
  startTimeoutMs?: number;
  logger?: AgentLogger;
}

/** A running server: where it listens and how to authenticate. */
export interface OpenCodeEndpoint {
  url: string;
  /** `Authorization` header value (HTTP basic, user `opencode`). */
  authorization: string;
  pid: number;
  /** Increments on every (re)start, so callers can tell a restarted server from the old one. */
  generation: number;
}

const READY_LINE = /opencode server listening on (https?:\/\/\S+)/;

/**
 * One `opencode serve` process, started on first use and restarted on the next use after it dies.
 * Readiness is the `opencode server listening on <url>` stdout line (the port is chosen by
 * opencode, so it must be read, not assumed). Every start gets a fresh random password: the
 * server listens on loopback, but other local users must not be able to drive it.
 */
export class OpenCodeServer {
  private readonly logger: AgentLogger;
  private child: ChildProcess | null = null;
  private starting: Promise<OpenCodeEndpoint> | null = null;
  private endpoint: OpenCodeEndpoint | null = null;
  private generation = 0;
  private stopped = false;
  private readonly exitListeners = new Set<(endpoint: OpenCodeEndpoint, reason: string) => void>();

  constructor(private readonly opts: OpenCodeServerOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** The current endpoint, starting (or restarting) the server when it is not running. */
  ensure(): Promise<OpenCodeEndpoint> {
    if (this.stopped) return Promise.reject(new Error('opencode server was disposed'));
    if (this.endpoint) return Promise.resolve(this.endpoint);
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** The endpoint if the server is up right now; never starts it. */
  current(): OpenCodeEndpoint | null {
    return this.endpoint;
  }

  /** Called when a running server exits (crash or kill); not called for `stop()`. */
  onExit(listener: (endpoint: OpenCodeEndpoint, reason: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    const child = this.child;
    this.child = null;
    this.endpoint = null;
    if (child) await killProcessTree(child);
  }

  private start(): Promise<OpenCodeEndpoint> {
    const password = randomBytes(24).toString('base64url');
    const generation = ++this.generation;
    const timeoutMs = this.opts.startTimeoutMs ?? 30_000;
    const child = spawn(this.opts.binary, ['serve', '--hostname', '127.0.0.1', '--port', '0'], {
      cwd: this.opts.cwd,
      env: { ...this.opts.env, OPENCODE_SERVER_PASSWORD: password, OPENCODE_SERVER_USERNAME: 'opencode' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    trackChild(child);
    const stderr = new TailBuffer();
    child.stderr?.on('data', (c: Buffer) => stderr.push(c));
    this.logger.info({ pid: child.pid, binary: this.opts.binary }, 'opencode: starting server');

    return new Promise<OpenCodeEndpoint>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        fail(new Error(`opencode serve did not report readiness within ${timeoutMs} ms: ${stderr}`));
        void killProcessTree(child);
      }, timeoutMs);
      const fail = (err: Error): void => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        if (this.child === child) this.child = null;
        reject(err);
      };
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const m = READY_LINE.exec(line);
        if (!m || ready) {
          if (line.trim()) this.logger.debug({ line }, 'opencode: stdout');
          return;
        }
        ready = true;
        clearTimeout(timer);
        const endpoint: OpenCodeEndpoint = {
          url: m[1]!.replace(/\/$/, ''),
          authorization: `Basic ${Buffer.from(`opencode:${password}`).toString('base64')}`,
          pid: child.pid!,
          generation,
        };
        this.endpoint = endpoint;
        this.logger.info({ url: endpoint.url, pid: endpoint.pid, generation }, 'opencode: server ready');
        resolve(endpoint);
      });
      child.once('error', (err) => fail(new Error(`cannot start ${this.opts.binary}: ${errorMessage(err)}`)));
      child.once('exit', (code, signal) => {
        const reason = `opencode serve exited (${signal ?? `code ${code}`})${stderr.toString() ? `: ${stderr}` : ''}`;
        fail(new Error(reason));
        if (this.child === child) this.child = null;
        const endpoint = this.endpoint;
        if (endpoint?.generation === generation) {
          this.endpoint = null;
          if (!this.stopped) {
            this.logger.warn({ pid: endpoint.pid, code, signal }, 'opencode: server exited');
            for (const l of this.exitListeners) l(endpoint, reason);
          }
        }
      });
    });
  }
}
