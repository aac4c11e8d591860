import { homedir } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { homeDirectory, type PriceOverrides } from '@boocode/contracts';
import { BACKENDS, type BackendDefinition, type BackendSettings, type CustomAgentsConfig, type Env, type SandboxSettings } from '@boocode/agents';
import { ConfigError } from './error.js';
import { loadHomeConfig, type HomeConfig } from './home.js';
import type { UnknownKey } from './unknown-keys.js';
import { ServerEnv, ServerFlags, type LogLevel, type ServerFlagsInput } from './settings.js';
import { TerminalSettings } from '../terminals/settings.js';
import type { SubagentLimits } from '../subagents/limits.js';

/** Everything the server runs with, parsed once at start and passed down. */
export interface ServerConfig {
  /** The data directory: config.json, the embedded database, session worktrees. */
  home: string;
  /** The user's home directory (HOME), what `~` in a project path stands for. */
  userHome: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** An external PostgreSQL; null: the embedded one. */
  databaseUrl: string | null;
  logLevel: LogLevel;
  /** Turns this process runs at once. */
  concurrency: number;
  leaseMs: number;
  turnTimeoutMs: number;
  /** On SIGTERM/SIGINT, how long running turns may go on finishing before they are handed back to continue elsewhere. */
  shutdownGraceMs: number;
  agentIdleMs: number;
  reapIntervalMs: number;
  replayFrames: number;
  wsMaxBufferBytes: number;
  /** Workflow runs this process hosts at once. */
  workflowRuns: number;
  /** Agents of one workflow run running at once (the rest queue). */
  workflowAgents: number;
  /** How many background subagents a turn may have, and how deep they may nest. */
  subagents: SubagentLimits;
  token: string;
  pgPassword: string;
  /** Custom agents from config.json. */
  agents: CustomAgentsConfig;
  /** Each backend's settings: its config.json section with its env vars over it. */
  backends: BackendSettings;
  /** The environment child processes (git, project commands, the embedded database, agents) start from. */
  env: Env;
  /** Terminals: tmux, the shell and the environment it starts with, limits. */
  terminals: TerminalSettings;
  /** How agent commands are confined: config.json `sandbox` with BOOCODE_SANDBOX* over it. */
  sandbox: SandboxSettings;
  /** config.json `prices`: USD per million tokens by model id, over the bundled price table. */
  prices: PriceOverrides;
  /** Where OpenTelemetry spans are sent (OTLP/HTTP base URL); null: telemetry off. */
  otlpEndpoint: string | null;
  /** Keys of config.json that no setting reads: the server starts without them and says so. */
  unknownKeys: UnknownKey[];
}

export interface ConfigSources {
  /** Default: this process's environment. */
  env?: Env;
  flags?: ServerFlagsInput;
}

/** Variables holding BooCode's own secrets and addresses: the shells of terminals do not inherit them. */
const PRIVATE_ENV = /^(BOOCODE_|DATABASE_URL$)/;

/** Which variable sets each terminal setting, to name it when a value is refused. */
const TERMINAL_VARS: Record<string, string> = {
  tmuxPath: 'BOOCODE_TMUX',
  shell: 'SHELL',
  ringLines: 'BOOCODE_TERMINAL_RING_LINES',
  maxTerminalsPerSession: 'BOOCODE_TERMINALS_PER_SESSION',
  maxBytesPerSecond: 'BOOCODE_TERMINAL_MAX_BPS',
};

function terminalSettings(vars: z.output<typeof ServerEnv>, env: Record<string, string>): TerminalSettings {
  const settings: TerminalSettings = {
    tmuxPath: vars.BOOCODE_TMUX ?? 'tmux',
    shell: vars.SHELL?.startsWith('/') ? vars.SHELL : '/bin/sh',
    env: Object.fromEntries(Object.entries(env).filter(([k]) => !PRIVATE_ENV.test(k))),
    ringLines: vars.BOOCODE_TERMINAL_RING_LINES ?? 5000,
    maxTerminalsPerSession: vars.BOOCODE_TERMINALS_PER_SESSION ?? 8,
    maxBytesPerSecond: vars.BOOCODE_TERMINAL_MAX_BPS ?? 2 * 1024 * 1024,
  };
  const r = TerminalSettings.safeParse(settings);
  if (r.success) return settings;
  const issue = r.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw new ConfigError(`${TERMINAL_VARS[key] ?? key}: ${issue?.message ?? 'invalid'}`);
}

/** Unset and empty variables are the same: the default applies. */
function setOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** Parses one layer; a bad value throws naming it (`BOOCODE_PORT: must be ... (got "x")`). */
function parseLayer<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, name: (key: string) => string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const got = raw[key];
  throw new ConfigError(`${name(key)}: ${issue?.message ?? 'invalid'}${typeof got === 'string' ? ` (got "${got}")` : ''}`);
}

export function resolveHome(flag: string | undefined, envHome: string | undefined): string {
  return path.resolve(homeDirectory(flag, envHome, homedir()));
}

/** What each backend's env vars set, by kind (checked before config.json is read or created). */
function backendEnv(env: Record<string, string>): Map<string, object> {
  return new Map(BACKENDS.map((def: BackendDefinition) => [def.kind, def.env ? def.env.toSettings(parseLayer(def.env.schema, env, (k) => k)) : {}]));
}

/** Each backend's settings: config.json's section, then its env vars over it (they win). */
function backendSettings(file: HomeConfig, fromEnv: Map<string, object>): BackendSettings {
  const entries = BACKENDS.map((def: BackendDefinition) => {
    const section: unknown = def.section ? (file as Record<string, unknown>)[def.section] : undefined;
    const parsed = def.settings.safeParse({ ...(section as object | undefined), ...fromEnv.get(def.kind) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`${def.section ?? def.kind}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return [def.kind, parsed.data] as const;
  });
  return Object.fromEntries(entries) as BackendSettings;
}

/**
 * The server's configuration from the command line, the environment and BOOCODE_HOME/config.json
 * (created on first start), in that order of precedence. A bad value stops here, naming the setting.
 */
export async function loadServerConfig(sources: ConfigSources = {}): Promise<ServerConfig> {
  const env = setOnly(sources.env ?? process.env);
  const flags = parseLayer(ServerFlags, { ...sources.flags }, (k) => `--${k}`);
  const vars = parseLayer(ServerEnv, env, (k) => k);
  const fromEnv = backendEnv(env);
  const home = resolveHome(flags.home, vars.BOOCODE_HOME);
  const { config: file, unknownKeys } = await loadHomeConfig(home);
  return {
    home,
    userHome: env.HOME ?? homedir(),
    host: flags.host ?? vars.BOOCODE_HOST ?? '127.0.0.1',
    port: flags.port ?? vars.BOOCODE_PORT ?? 7345,
    databaseUrl: vars.DATABASE_URL ?? null,
    logLevel: vars.BOOCODE_LOG_LEVEL ?? 'info',
    concurrency: vars.BOOCODE_CONCURRENCY ?? 8,
    leaseMs: vars.BOOCODE_LEASE_MS ?? 30_000,
    turnTimeoutMs: vars.BOOCODE_TURN_TIMEOUT_MS ?? 2 * 60 * 60_000,
    shutdownGraceMs: vars.BOOCODE_SHUTDOWN_GRACE_MS ?? 10_000,
    agentIdleMs: vars.BOOCODE_AGENT_IDLE_MS ?? 15 * 60_000,
    reapIntervalMs: vars.BOOCODE_REAP_INTERVAL_MS ?? 5 * 60_000,
    replayFrames: vars.BOOCODE_REPLAY_FRAMES ?? 1000,
    wsMaxBufferBytes: vars.BOOCODE_WS_MAX_BUFFER ?? 8 * 1024 * 1024,
    workflowRuns: vars.BOOCODE_WORKFLOW_RUNS ?? 8,
    workflowAgents: vars.BOOCODE_WORKFLOW_AGENTS ?? 16,
    subagents: {
      running: vars.BOOCODE_SUBAGENTS_RUNNING ?? 8,
      depth: vars.BOOCODE_SUBAGENT_DEPTH ?? 2,
      perTurn: vars.BOOCODE_SUBAGENTS_PER_TURN ?? 16,
    },
    token: file.token,
    pgPassword: file.pg_password,
    agents: file.agents,
    backends: backendSettings(file, fromEnv),
    env: { ...(sources.env ?? process.env) },
    terminals: terminalSettings(vars, env),
    sandbox: {
      ...file.sandbox,
      ...(vars.BOOCODE_SANDBOX ? { mode: vars.BOOCODE_SANDBOX } : {}),
      ...(vars.BOOCODE_SANDBOX_NETWORK !== undefined ? { network: vars.BOOCODE_SANDBOX_NETWORK } : {}),
    },
    prices: file.prices,
    otlpEndpoint: vars.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
    unknownKeys,
  };
}
