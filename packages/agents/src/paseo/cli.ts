import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { externalAgentEnv, type Env } from '../external/env.js';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { killProcessTree, TailBuffer, trackChild } from '../external/process.js';

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
  LastUsage: z
    .looseObject({
      inputTokens: Count,
      outputTokens: Count,
      cachedInputTokens: Count,
      totalCostUsd: Count,
    })
    .nullish(),
});
export type PaseoAgentDetail = z.infer<typeof PaseoAgentDetail>;

/**
 * `paseo import --json`: the current CLI answers `{agentId, status, ...}`; older ones printed the
 * agent snapshot (`{Id, ...}` or `{id, ...}`). All three carry the new agent's id.
 */
const ImportResult = z.union([
  z.looseObject({ agentId: z.string() }).transform((r) => r.agentId),
  z.looseObject({ Id: z.string() }).transform((r) => r.Id),
  z.looseObject({ id: z.string() }).transform((r) => r.id),
]);

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
  /** `--host` for every call (`host:port`, or `tcp://...`); default: the CLI's own. */
  host?: string;
  /** The server's environment, which every call starts from. */
  baseEnv: Env;
  /** Added to (or, when undefined, removed from) the environment of every call. */
  env?: Record<string, string | undefined>;
  /** Time limit of the non-streaming commands. Default 30 s. */
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
 * The `paseo` CLI, always run with an argument array (no shell); `--` separates options from the
 * agent id and prompt so a prompt starting with `-` is never read as a flag.
 */
export class PaseoCli {
  readonly bin: string;
  private readonly logger: AgentLogger;

  constructor(private readonly opts: PaseoCliOptions) {
    this.bin = opts.bin ?? 'paseo';
    this.logger = opts.logger ?? silentLogger;
  }

  async ls(): Promise<PaseoListItem[]> {
    return z.array(PaseoListItem).parse(await this.json(['ls', '--json']));
  }

  async inspect(id: string): Promise<PaseoAgentDetail> {
    return PaseoAgentDetail.parse(await this.json(['inspect', '--json', '--', id]));
  }

  /** Registers a provider session as a Paseo agent; returns the agent id. */
  async import(
    providerSessionId: string,
    opts: { provider: string; cwd: string; labels?: Record<string, string> },
  ): Promise<string> {
    const args = ['import', '--json', '--provider', opts.provider, '--cwd', opts.cwd];
    for (const [k, v] of Object.entries(opts.labels ?? {})) args.push('--label', `${k}=${v}`);
    args.push('--', providerSessionId);
    return ImportResult.parse(await this.json(args));
  }

  async archive(id: string): Promise<void> {
    await this.run(['archive', '--json', '--', id]);
  }

  async stop(id: string): Promise<void> {
    await this.run(['stop', '--', id]);
  }

  /**
   * `paseo send`: streams the agent's output lines to `onLine` while the turn runs, resolves
   * when the CLI exits 0, rejects with PaseoCliError otherwise. Aborting kills the CLI.
   */
  send(
    id: string,
    prompt: string,
    opts: { onLine: (line: string) => void; signal: AbortSignal; images?: string[] },
  ): Promise<void> {
    const args = ['send', ...this.hostArgs()];
    for (const img of opts.images ?? []) args.push('--image', img);
    args.push('--', id, prompt);
    return new Promise((resolve, reject) => {
      // Aborted before the spawn: the listener below would never fire, and the prompt would go out.
      if (opts.signal.aborted) {
        reject(new PaseoCliError('send', null, '', null, 'paseo send was cancelled before it started'));
        return;
      }
      const child = spawn(this.bin, args, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      trackChild(child);
      const stderr = new TailBuffer();
      child.stderr.on('data', (c: Buffer) => stderr.push(c));
      createInterface({ input: child.stdout }).on('line', opts.onLine);
      const onAbort = (): void => void killProcessTree(child, 1_000);
      opts.signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (err) => {
        opts.signal.removeEventListener('abort', onAbort);
        reject(new PaseoCliError('send', null, errorMessage(err), null, `cannot run ${this.bin}: ${errorMessage(err)}`));
      });
      child.once('close', (code) => {
        opts.signal.removeEventListener('abort', onAbort);
        if (code === 0) resolve();
        else reject(errorFrom('send', code, stderr.toString()));
      });
    });
  }

  private hostArgs(): string[] {
    return this.opts.host ? ['--host', this.opts.host] : [];
  }

  private env(): NodeJS.ProcessEnv {
    return externalAgentEnv(this.opts.baseEnv, this.opts.env);
  }

  private run(args: string[]): Promise<string> {
    // `--host` goes after the subcommand, where every paseo command accepts it.
    const [command = '', ...rest] = args;
    const full = [command, ...this.hostArgs(), ...rest];
    return new Promise((resolve, reject) => {
      execFile(
        this.bin,
        full,
        { env: this.env(), timeout: this.opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (!err) {
            resolve(stdout);
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

  private async json(args: string[]): Promise<unknown> {
    const stdout = await this.run(args);
    try {
      return JSON.parse(stdout) as unknown;
    } catch {
      throw new PaseoCliError(args[0] ?? '', 0, '', null, `paseo ${args[0]} printed no JSON: ${stdout.slice(0, 200)}`);
    }
  }
}
