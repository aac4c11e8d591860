import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { externalAgentEnv, type Env } from '../external/env.js';
import { silentLogger, type AgentLogger } from '../external/logger.js';

/** `paseo ls --json` rows. */
export const PaseoListItem = z.looseObject({
  id: z.string(),
  shortId: z.string().optional(),
  name: z.string().optional(),
  provider: z.string().optional(),
  status: z.string(),
  cwd: z.string().optional(),
  created: z.string().optional(),
});
export type PaseoListItem = z.infer<typeof PaseoListItem>;

const Count = z.number().nonnegative().nullish();

/** `paseo inspect --json`: PascalCase keys. */
export const PaseoAgentDetail = z.looseObject({
  Id: z.string(),
  Name: z.string().optional(),
  Provider: z.string().optional(),
  Model: z.string().nullish(),
  Status: z.string(),
  Archived: z.boolean().optional(),
  ArchivedAt: z.string().nullish(),
  Cwd: z.string().optional(),
  /** The last turn's usage; InputTokens excludes the cached ones. */
  LastUsage: z
    .looseObject({
      InputTokens: Count,
      OutputTokens: Count,
      CachedTokens: Count,
      CostUsd: Count,
    })
    .nullish(),
});
export type PaseoAgentDetail = z.infer<typeof PaseoAgentDetail>;

/** `paseo run --detach --json` and `paseo import --json`: the new agent. */
const CreatedAgent = z.looseObject({ agentId: z.string().min(1) }).transform((r) => r.agentId);

const ListenConfig = z.looseObject({ daemon: z.looseObject({ listen: z.string().optional() }).optional() });

/**
 * The daemon the CLI itself would pick when given no `--host`: PASEO_HOST, else `daemon.listen`
 * of PASEO_HOME's config.json (default ~/.paseo), else localhost:6767. Resolved once, so that the
 * CLI calls and the WebSocket stream always reach the same daemon.
 */
export function defaultPaseoHost(env: NodeJS.ProcessEnv): string {
  if (env.PASEO_HOST) return env.PASEO_HOST;
  const home = env.PASEO_HOME ?? (env.HOME ? join(env.HOME, '.paseo') : null);
  if (home) {
    try {
      const listen = ListenConfig.parse(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))).daemon?.listen;
      if (listen && /^[^/\s]+:\d+$/.test(listen)) return listen;
    } catch {
      // No readable config: the CLI's own fallback.
    }
  }
  return 'localhost:6767';
}

/**
 * Time limit of the commands that start an agent's turn: the daemon answers them only once the
 * provider (opencode's server) is up, which takes tens of seconds on a busy machine.
 */
const STARTING_MS = 300_000;

function labelArgs(labels: Record<string, string> | undefined): string[] {
  return Object.entries(labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/** The CLI's JSON error body (stderr with --json). */
const ErrorBody = z.object({ error: z.looseObject({ code: z.string().optional(), message: z.string() }) });

/** A failed `paseo` invocation, with the CLI's own message when it gave one. */
export class PaseoCliError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'PaseoCliError';
  }

  /** The daemon is not running or not reachable. */
  get daemonDown(): boolean {
    return this.code === 'DAEMON_NOT_RUNNING' || /cannot connect to daemon/i.test(this.stderr);
  }

  get notFound(): boolean {
    return this.code === 'AGENT_NOT_FOUND' || /agent not found|no agent found/i.test(this.stderr);
  }
}

export interface PaseoCliOptions {
  /** The `paseo` executable. Default: `paseo` from PATH. */
  bin?: string;
  /** `--host` for every call (`host:port`); default: the daemon the CLI itself would pick. */
  host?: string;
  /** The server's environment, which every call starts from. */
  baseEnv: Env;
  /** Added to (or, when undefined, removed from) the environment of every call. */
  env?: Record<string, string | undefined>;
  /** Time limit of each command. Default 30 s. */
  timeoutMs?: number;
  logger?: AgentLogger;
}

function errorFrom(command: string, exitCode: number | null, stderr: string): PaseoCliError {
  const text = stderr.trim();
  let code: string | null = null;
  let message = text.replace(/^error:\s*/i, '');
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    if (body.success) {
      code = body.data.error.code ?? null;
      message = body.data.error.message;
    }
  } catch {
    // Plain text error.
  }
  const how = exitCode === null ? 'was killed' : `exited with ${exitCode}`;
  return new PaseoCliError(command, exitCode, text, code, `paseo ${command} ${how}: ${message || '(no error output)'}`);
}

/**
 * The `paseo` CLI, always run with an argument array (no shell) and an explicit `--host`; `--`
 * separates options from the agent id and prompt so a prompt starting with `-` is never read as
 * a flag.
 */
export class PaseoCli {
  readonly bin: string;
  /** The daemon every call goes to (`host:port`). */
  readonly host: string;
  private readonly logger: AgentLogger;

  constructor(private readonly opts: PaseoCliOptions) {
    this.bin = opts.bin ?? 'paseo';
    this.host = opts.host ?? defaultPaseoHost(this.env());
    this.logger = opts.logger ?? silentLogger;
  }

  async ls(): Promise<PaseoListItem[]> {
    return z.array(PaseoListItem).parse(await this.json(['ls', '--json']));
  }

  async inspect(id: string): Promise<PaseoAgentDetail> {
    return PaseoAgentDetail.parse(await this.json(['inspect', '--json', '--', id]));
  }

  /**
   * Registers a session the provider already has (opencode's `ses_...`, given by the user) as a
   * Paseo agent; returns the agent id.
   */
  async import(providerSessionId: string, opts: { provider: string; cwd: string; labels?: Record<string, string> }): Promise<string> {
    const args = ['import', '--json', '--provider', opts.provider, '--cwd', opts.cwd, ...labelArgs(opts.labels), '--', providerSessionId];
    return CreatedAgent.parse(await this.json(args, STARTING_MS));
  }

  /** Creates an agent in `cwd` and starts its first turn without waiting for it; returns its id. */
  async run(
    prompt: string,
    opts: { provider: string; model?: string | null; cwd: string; labels?: Record<string, string>; images?: string[] },
  ): Promise<string> {
    const args = ['run', '--detach', '--json', '--provider', opts.provider, '--cwd', opts.cwd];
    if (opts.model) args.push('--model', opts.model);
    for (const img of opts.images ?? []) args.push('--image', img);
    args.push(...labelArgs(opts.labels), '--', prompt);
    return CreatedAgent.parse(await this.json(args, STARTING_MS));
  }

  /** Starts a turn of an existing agent without waiting for it. */
  async send(id: string, prompt: string, opts: { images?: string[] } = {}): Promise<void> {
    const args = ['send', '--no-wait', '--json'];
    for (const img of opts.images ?? []) args.push('--image', img);
    await this.exec([...args, '--', id, prompt], STARTING_MS);
  }

  /** Archives the agent, interrupting a turn it may still be running. */
  async archive(id: string): Promise<void> {
    await this.exec(['archive', '--force', '--json', '--', id]);
  }

  async stop(id: string): Promise<void> {
    await this.exec(['stop', '--json', '--', id]);
  }

  /** Answers a permission request of the agent. */
  async permit(id: string, requestId: string, allow: boolean): Promise<void> {
    await this.exec(['permit', allow ? 'allow' : 'deny', '--', id, requestId]);
  }

  private env(): NodeJS.ProcessEnv {
    return externalAgentEnv(this.opts.baseEnv, this.opts.env);
  }

  private exec(args: string[], minTimeoutMs = 0): Promise<string> {
    const timeoutMs = Math.max(this.opts.timeoutMs ?? 30_000, minTimeoutMs);
    // `--host` goes after the (sub)command, where every paseo command accepts it.
    const words = args[0] === 'permit' ? 2 : 1;
    const command = args.slice(0, words).join(' ');
    const full = [...args.slice(0, words), '--host', this.host, ...args.slice(words)];
    return new Promise((resolve, reject) => {
      execFile(
        this.bin,
        full,
        { env: this.env(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (!err) {
            resolve(stdout);
            return;
          }
          if (err.killed) {
            reject(new PaseoCliError(command, null, stderr, null, `paseo ${command} did not finish within ${Math.round(timeoutMs / 1000)} s`));
            return;
          }
          const exitCode = typeof err.code === 'number' ? err.code : null;
          if (typeof err.code === 'string') {
            // ENOENT, EACCES: the CLI itself could not be started.
            reject(new PaseoCliError(command, null, err.message, err.code, `cannot run ${this.bin}: ${err.message}`));
            return;
          }
          this.logger.debug({ args: full, exitCode, stderr }, 'paseo: command failed');
          reject(errorFrom(command, exitCode, stderr || err.message));
        },
      );
    });
  }

  private async json(args: string[], minTimeoutMs = 0): Promise<unknown> {
    const stdout = await this.exec(args, minTimeoutMs);
    try {
      return JSON.parse(stdout) as unknown;
    } catch {
      throw new PaseoCliError(args[0] ?? '', 0, '', null, `paseo ${args[0]} printed no JSON: ${stdout.slice(0, 200)}`);
    }
  }
}
