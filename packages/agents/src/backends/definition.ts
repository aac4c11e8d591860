import type { z } from 'zod';
import type { AgentBackend, AgentBackendKind, AgentCapabilities, AgentModel } from '@boocode/contracts';
import type { Env } from '../external/env.js';
import type { AgentLogger } from '../external/logger.js';
import type { SandboxPolicy } from '../sandbox/index.js';

/** An agent started by command: one of a backend's built-in agents, or a custom one from config.json. */
export interface KnownAgent {
  name: string;
  label: string;
  kind: AgentBackendKind;
  /** Executable to look up: a path as is, else BooCode's own dependency (`opencode`), else PATH (see `locateCommand`). */
  command: string;
  args: string[];
  env?: Record<string, string>;
  custom?: boolean;
  /** Known quirks, listed with the agent in `GET /api/agents`. */
  notes?: readonly string[];
}

/** What asking an installed agent in its own protocol told. */
export interface Probe {
  version: string | null;
  models: AgentModel[];
  /** Why the agent is not usable, or why its models are unknown. */
  error: string | null;
  /** False when the agent is installed but cannot work (Paseo's daemon down). Default true. */
  available?: boolean;
  /** What the agent itself declared, over the backend's capabilities (ACP `promptCapabilities`). */
  capabilities?: Partial<AgentCapabilities>;
}

export interface ProbeContext {
  /** The agent's environment: the server's with its configured `env` on top. */
  env: Record<string, string | undefined>;
  baseEnv: Env;
  cwd: string;
  timeoutMs: number;
  /** Also ask for the agent's models (slower: may start a session). */
  probeModels: boolean;
  /** The backend's configured settings (its config.json section), unparsed; undefined when none. */
  settings: unknown;
  logger: AgentLogger;
}

/** What `create` gets besides the backend's settings. */
export interface BackendDeps {
  /** The agent's name (`opencode`, `gemini`, a custom name). */
  name: string;
  /** Resolved executable and arguments; empty for a backend that runs inside BooCode. */
  command: string[];
  /** The agent's own `env` from config.json, given to whatever runs it. */
  env: Record<string, string>;
  /** The server's environment, which every process the backend starts begins from. */
  baseEnv: Env;
  logger: AgentLogger;
  /** How agent commands are confined on this machine; none: not at all. */
  sandbox?: SandboxPolicy;
  /** A custom agent's time limit per turn (config.json `agents.<name>.timeout_seconds`), for backends that apply one. */
  timeoutSeconds?: number;
}

/** Environment variables over a backend's settings: `schema`'s keys are the variable names. */
export interface EnvBinding<T, E extends z.ZodObject = z.ZodObject> {
  schema: E;
  toSettings(vars: z.output<E>): Partial<T>;
}

/**
 * Everything BooCode knows about one kind of backend. Discovery, config.json parsing, the backend
 * factory and `GET /api/agents` all read these, so a new backend is one definition added to the
 * registry (`registry.ts`).
 */
export interface BackendDefinition<K extends AgentBackendKind = AgentBackendKind, S extends z.ZodType = z.ZodType, E extends z.ZodObject = z.ZodObject> {
  kind: K;
  /** The config.json key holding the settings; none: the backend has no settings there. */
  section?: string;
  settings: S;
  env?: EnvBinding<z.input<S>, E>;
  capabilities: AgentCapabilities;
  /** Said of every agent of this kind in `GET /api/agents`, before each agent's own notes. */
  notes?: readonly string[];
  /** Agents of this kind found on the machine by command. Only such kinds can be custom agents. */
  discover?: {
    agents: readonly KnownAgent[];
    probe(executable: string, agent: KnownAgent, ctx: ProbeContext): Promise<Probe>;
  };
  /** The single agent of a kind that runs inside BooCode (native), usable when its settings allow. */
  builtin?: {
    name: string;
    label: string;
    status(settings: z.output<S>): { available: boolean; models: AgentModel[]; error: string | null };
  };
  create(settings: z.output<S>, deps: BackendDeps): AgentBackend;
}

/** Keeps a definition's settings type attached to `create`, `env` and `status`. */
export function defineBackend<K extends AgentBackendKind, S extends z.ZodType, E extends z.ZodObject>(
  def: BackendDefinition<K, S, E>,
): BackendDefinition<K, S, E> {
  return def;
}

/** The entries of `o` whose value is set (env vars that are unset must not hide config.json values). */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
