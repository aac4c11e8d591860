import { availableParallelism } from 'node:os';
import type { AgentInfo } from '@boocode/contracts';
import { BACKENDS, DEFAULT_AGENTS, backendDefinition, type BackendSettings, type CustomAgentsConfig } from '../backends/registry.js';
import type { BackendDefinition, KnownAgent } from '../backends/definition.js';
import type { Env } from '../external/env.js';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { NoAnswerError } from '../external/no-answer.js';
import { sandboxState, type SandboxPolicy } from '../sandbox/index.js';
import { locateCommand } from './which.js';

export interface DiscoveryOptions {
  /** The server's environment, which every probe starts from. */
  baseEnv: Env;
  /** Where probes run. Default: process.cwd(). Never searched for commands (see `locateCommand`). */
  cwd?: string;
  /** PATH to search; default `baseEnv.PATH`. */
  path?: string;
  /** Agents from `BOOCODE_HOME/config.json`; a custom agent with a default's name replaces it. */
  custom?: CustomAgentsConfig;
  /** The built-in list to check; default DEFAULT_AGENTS. */
  agents?: readonly KnownAgent[];
  /** Also ask each agent for its models (starts an ACP session, runs `opencode models`). Slower. */
  probeModels?: boolean;
  /** Environment additions for every probe (e.g. isolated HOME in tests). */
  env?: Record<string, string | undefined>;
  /** Each backend's settings, for probes that need them (Paseo's daemon host). */
  settings?: Partial<BackendSettings>;
  /** Probes running at once. Default: the number of CPUs, at least 2 (ten at once on two cores made each too slow). */
  concurrency?: number;
  /** Time limit of each probe. Default 15 s. */
  timeoutMs?: number;
  logger?: AgentLogger;
}

/**
 * Finds the usable external agents: every discovered backend's built-in list (opencode from
 * BooCode's own dependency or PATH; ACP agents; paseo) plus custom ones
 * from the user's config. Each is located, then asked for its version in its own protocol by its
 * backend's probe, a few at a time. An agent that does not answer in time is listed as slow to
 * start, not as unusable.
 */
export async function discoverAgents(opts: DiscoveryOptions): Promise<AgentInfo[]> {
  const cwd = opts.cwd ?? process.cwd();
  const logger = opts.logger ?? silentLogger;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const probeModels = opts.probeModels ?? false;
  const searchPath = opts.path ?? opts.baseEnv.PATH ?? '';
  const byName = new Map<string, KnownAgent>();
  for (const a of opts.agents ?? DEFAULT_AGENTS) byName.set(a.name, a);
  for (const [name, c] of Object.entries(opts.custom ?? {})) {
    const builtin = byName.get(name);
    if (c.command !== undefined) byName.set(name, { name, label: c.label ?? name, kind: c.kind, command: c.command, args: c.args, env: c.env, custom: true });
    // Settings of a built-in agent: it stays itself, with the env and label given.
    else if (builtin) byName.set(name, { ...builtin, label: c.label ?? builtin.label, env: { ...builtin.env, ...c.env } });
  }

  return mapLimited([...byName.values()], opts.concurrency ?? Math.max(2, availableParallelism()), async (agent): Promise<AgentInfo> => {
    const def = backendDefinition(agent.kind);
    const checkedAt = new Date().toISOString();
    const path = await locateCommand(agent.command, { path: searchPath, custom: agent.custom });
    const base = {
      name: agent.name,
      label: agent.label,
      kind: agent.kind,
      install_path: path,
      command: [path ?? agent.command, ...agent.args],
      custom: agent.custom === true,
      notes: [...(def.notes ?? []), ...(agent.notes ?? [])],
      capabilities: def.capabilities,
      checked_at: checkedAt,
    };
    if (!path) {
      return { ...base, available: false, version: null, models: [], error: agent.command.includes('/') ? `${agent.command} not found or not executable` : `${agent.command} not found in PATH` };
    }
    if (!def.discover) return { ...base, available: false, version: null, models: [], error: `a ${agent.kind} agent is not started by command` };
    try {
      const probe = await def.discover.probe(path, agent, {
        env: { ...opts.env, ...agent.env },
        baseEnv: opts.baseEnv,
        cwd,
        timeoutMs,
        probeModels,
        settings: opts.settings?.[agent.kind],
        logger,
      });
      return {
        ...base,
        capabilities: { ...def.capabilities, ...probe.capabilities },
        available: probe.available ?? true,
        version: probe.version,
        models: probe.models,
        error: probe.error,
      };
    } catch (err) {
      if (err instanceof NoAnswerError) {
        logger.info({ agent: agent.name, err: err.message }, 'discovery: agent slow to start');
        return { ...base, available: true, version: null, models: [], error: `slow to start: ${err.message}; it may still work` };
      }
      logger.info({ agent: agent.name, err: errorMessage(err) }, 'discovery: agent not usable');
      return { ...base, available: false, version: null, models: [], error: errorMessage(err) };
    }
  });
}

/** `fn` over `items` with at most `limit` calls in flight; results in the order of `items`. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The agents that run inside BooCode (native), as `GET /api/agents` lists them. */
export function builtinAgents(settings: Partial<BackendSettings>, version: string, sandbox?: SandboxPolicy): AgentInfo[] {
  return (BACKENDS as readonly BackendDefinition[]).flatMap((def): AgentInfo[] => {
    if (!def.builtin) return [];
    const status = def.builtin.status(def.settings.parse(settings[def.kind] ?? {}));
    return [
      {
        name: def.builtin.name,
        label: def.builtin.label,
        kind: def.kind,
        ...status,
        version,
        install_path: null,
        command: [],
        custom: false,
        notes: [],
        capabilities: def.capabilities,
        checked_at: new Date().toISOString(),
        sandbox: sandboxState(sandbox),
      },
    ];
  });
}
