import {
  BACKENDS,
  backendDefinition,
  backendFor,
  builtinAgents,
  externalAgentSandbox,
  discoverAgents,
  listAgentModels,
  type BackendDefinition,
  type BackendSettings,
  type CustomAgentsConfig,
  type DiscoveryOptions,
  type Env,
  type SandboxPolicy,
} from '@boocode/agents';
import type { AgentBackend, AgentCapabilities, AgentInfo, AgentModel } from '@boocode/contracts';
import type { Logger } from '../logger.js';

export interface AgentRegistryOptions {
  /** Each backend's settings (config.json sections, env vars over them). */
  backends: BackendSettings;
  custom: CustomAgentsConfig;
  /** The server's environment: what agent processes and discovery probes start from. */
  baseEnv: Env;
  /** Backends supplied by the embedding program (tests, benchmarks) under an agent name. */
  overrides?: Record<string, AgentBackend>;
  discovery?: Omit<DiscoveryOptions, 'custom' | 'logger' | 'baseEnv'>;
  version: string;
  log: Logger;
  /** How agent commands (and sandboxed external agents) are confined; none: not at all. */
  sandbox?: SandboxPolicy;
}

/** How long an agent's model list is kept: asking may start the agent, and lists change rarely. */
const MODELS_TTL_MS = 60_000;

/**
 * Which backend serves an agent name: a built-in one (native), an override, or an external agent
 * found by discovery (one backend instance per agent, shared by all its chats). Every backend is
 * built by its kind's definition in the backend registry of `@boocode/agents`.
 */
export class AgentRegistry {
  private readonly backends = new Map<string, AgentBackend>();
  private discovered: Promise<AgentInfo[]> | null = null;
  private readonly models = new Map<string, { at: number; list: Promise<AgentModel[]> }>();

  constructor(private readonly opts: AgentRegistryOptions) {
    for (const def of BACKENDS as readonly BackendDefinition[]) {
      if (!def.builtin) continue;
      const name = def.builtin.name;
      this.backends.set(name, def.create(opts.backends[def.kind], { name, command: [], env: {}, baseEnv: opts.baseEnv, logger: opts.log.child({ agent: name }), sandbox: opts.sandbox }));
    }
    for (const [name, b] of Object.entries(opts.overrides ?? {})) this.backends.set(name, b);
  }

  async list(refresh = false): Promise<AgentInfo[]> {
    if (refresh || !this.discovered) {
      this.discovered = discoverAgents({
        ...this.opts.discovery,
        baseEnv: this.opts.baseEnv,
        custom: this.opts.custom,
        settings: this.opts.backends,
        logger: this.opts.log.child({ component: 'discovery' }),
      });
    }
    const found = await this.discovered.catch((err: unknown) => {
      this.opts.log.warn({ err }, 'agent discovery failed');
      this.discovered = null;
      return [] as AgentInfo[];
    });
    const external = found.map((a) => ({ ...a, sandbox: externalAgentSandbox(this.opts.sandbox, a.name) }));
    return [...builtinAgents(this.opts.backends, this.opts.version, this.opts.sandbox), ...external];
  }

  /**
   * The models `info`'s agent offers, asked of it at most once a minute (`refresh` asks again);
   * a failed answer is not kept. Throws a sentence saying why it could not tell.
   */
  async agentModels(info: AgentInfo, refresh = false): Promise<{ models: AgentModel[]; askedAt: Date }> {
    const kept = this.models.get(info.name);
    if (kept && !refresh && Date.now() - kept.at < MODELS_TTL_MS) return { models: await kept.list, askedAt: new Date(kept.at) };
    const list = listAgentModels(info, {
      baseEnv: this.opts.baseEnv,
      settings: this.opts.backends,
      custom: this.opts.custom,
      env: this.opts.discovery?.env,
      cwd: this.opts.discovery?.cwd,
      logger: this.opts.log.child({ agent: info.name, component: 'models' }),
    });
    const at = Date.now();
    this.models.set(info.name, { at, list });
    list.catch(() => {
      if (this.models.get(info.name)?.list === list) this.models.delete(info.name);
    });
    return { models: await list, askedAt: new Date(at) };
  }

  /** What the agent can do, or null for a name nothing serves (its turn fails saying so). */
  async capabilities(agent: string): Promise<AgentCapabilities | null> {
    const override = this.opts.overrides?.[agent];
    if (override) return backendDefinition(override.kind).capabilities;
    return (await this.list()).find((a) => a.name === agent)?.capabilities ?? null;
  }

  /** Whether the agent is given BooCode's MCP server (config.json `agents.<name>.mcp`, default yes). */
  offersMcp(agent: string): boolean {
    return this.opts.custom[agent]?.mcp !== false;
  }

  async backendFor(agent: string): Promise<AgentBackend> {
    const known = this.backends.get(agent);
    if (known) return known;
    const info = (await this.list()).find((a) => a.name === agent);
    if (!info) throw new Error(`unknown agent "${agent}": see GET /api/agents`);
    if (!info.available) throw new Error(`agent "${agent}" is not usable here: ${info.error ?? 'unavailable'}`);
    const backend = backendFor(info, {
      baseEnv: this.opts.baseEnv,
      settings: this.opts.backends,
      custom: this.opts.custom,
      logger: this.opts.log.child({ agent }),
      sandbox: this.opts.sandbox,
    });
    this.backends.set(agent, backend);
    return backend;
  }

  async disposeAll(): Promise<void> {
    await Promise.all([...this.backends.values()].map((b) => b.dispose().catch(() => {})));
    this.backends.clear();
  }
}
