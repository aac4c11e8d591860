import {
  NativeBackend,
  backendFor,
  discoverAgents,
  type BackendFactoryOptions,
  type DiscoveryOptions,
  type NativeAgentConfigInput,
} from '@boocode/agents';
import type { AgentBackend, AgentInfo, CustomAgentsConfig } from '@boocode/contracts';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { NativeProviderConfig, OpenCodeSettings, PaseoSettings } from '../config/home.js';

export interface AgentRegistryOptions {
  native: NativeProviderConfig;
  custom: CustomAgentsConfig;
  /** config.json's `opencode` and `paseo` sections (env vars still win; `factory` wins over both). */
  opencode?: OpenCodeSettings;
  paseo?: PaseoSettings;
  /** Backends supplied by the embedding program (tests, benchmarks) under an agent name. */
  overrides?: Record<string, AgentBackend>;
  factory?: Omit<BackendFactoryOptions, 'logger' | 'custom'>;
  discovery?: Omit<DiscoveryOptions, 'custom' | 'logger'>;
  version: string;
  log: Logger;
}

/** Env vars win over config.json, so one machine can point the native agent elsewhere. */
export function nativeDefaults(cfg: NativeProviderConfig, env: NodeJS.ProcessEnv = process.env): Partial<NativeAgentConfigInput> {
  const out: Partial<NativeAgentConfigInput> = {};
  const baseURL = env.BOOCODE_NATIVE_BASE_URL ?? cfg.baseURL;
  const model = env.BOOCODE_NATIVE_MODEL ?? cfg.model;
  const apiKeyEnv = env.BOOCODE_NATIVE_API_KEY_ENV ?? cfg.apiKeyEnv ?? (env.BOOCODE_NATIVE_API_KEY ? 'BOOCODE_NATIVE_API_KEY' : undefined);
  if (baseURL) out.baseURL = baseURL;
  if (model) out.model = model;
  if (apiKeyEnv) out.apiKeyEnv = apiKeyEnv;
  if (cfg.apiKey) out.apiKey = cfg.apiKey;
  if (cfg.maxSteps) out.maxSteps = cfg.maxSteps;
  return out;
}

const OpenCodeConfigEnv = z.record(z.string(), z.unknown());

/**
 * Settings of the external backends from config.json, with env vars over them:
 * BOOCODE_OPENCODE_CONFIG (opencode.json content as JSON, replaces `opencode.config`),
 * BOOCODE_OPENCODE_DEFAULT_PROVIDER, BOOCODE_OPENCODE_OFFLINE=1, BOOCODE_PASEO_PROVIDER, BOOCODE_PASEO_HOST.
 */
export function externalDefaults(
  cfg: { opencode?: OpenCodeSettings; paseo?: PaseoSettings },
  env: NodeJS.ProcessEnv = process.env,
): Pick<BackendFactoryOptions, 'opencode' | 'paseo'> {
  const oc = cfg.opencode ?? {};
  let config = oc.config;
  if (env.BOOCODE_OPENCODE_CONFIG) {
    let json: unknown;
    try {
      json = JSON.parse(env.BOOCODE_OPENCODE_CONFIG);
    } catch (err) {
      throw new Error(`BOOCODE_OPENCODE_CONFIG is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = OpenCodeConfigEnv.safeParse(json);
    if (!parsed.success) throw new Error('BOOCODE_OPENCODE_CONFIG must be a JSON object (opencode.json content)');
    config = parsed.data;
  }
  const defaultProvider = env.BOOCODE_OPENCODE_DEFAULT_PROVIDER ?? oc.defaultProvider;
  const offlineEnv = env.BOOCODE_OPENCODE_OFFLINE;
  if (offlineEnv && offlineEnv !== '0' && offlineEnv !== '1') throw new Error(`BOOCODE_OPENCODE_OFFLINE must be 0 or 1, got "${offlineEnv}"`);
  const offline = offlineEnv ? offlineEnv === '1' : oc.offline;
  const provider = env.BOOCODE_PASEO_PROVIDER ?? cfg.paseo?.provider;
  const host = env.BOOCODE_PASEO_HOST ?? cfg.paseo?.host;
  return {
    opencode: {
      ...(config ? { config } : {}),
      ...(defaultProvider ? { defaultProvider } : {}),
      ...(oc.env ? { env: oc.env } : {}),
      ...(offline !== undefined ? { offline } : {}),
      ...(oc.inactivityTimeoutMs ? { inactivityTimeoutMs: oc.inactivityTimeoutMs } : {}),
    },
    paseo: { ...(provider ? { provider } : {}), ...(host ? { host } : {}) },
  };
}

/**
 * Which backend serves an agent name: the native agent, an override, or an external agent found
 * by discovery (one backend instance per agent, shared by all its chats).
 */
export class AgentRegistry {
  private readonly backends = new Map<string, AgentBackend>();
  private discovered: Promise<AgentInfo[]> | null = null;
  private readonly nativeDefaults: Partial<NativeAgentConfigInput>;
  private readonly factory: Omit<BackendFactoryOptions, 'logger' | 'custom'>;

  constructor(private readonly opts: AgentRegistryOptions) {
    this.nativeDefaults = nativeDefaults(opts.native);
    const ext = externalDefaults(opts);
    this.factory = {
      ...opts.factory,
      opencode: { ...ext.opencode, ...opts.factory?.opencode },
      paseo: { ...ext.paseo, ...opts.factory?.paseo },
    };
    this.backends.set('native', new NativeBackend({ defaults: this.nativeDefaults, logger: opts.log.child({ agent: 'native' }) }));
    for (const [name, b] of Object.entries(opts.overrides ?? {})) this.backends.set(name, b);
  }

  private nativeInfo(): AgentInfo {
    const configured = Boolean(this.nativeDefaults.baseURL);
    return {
      name: 'native',
      label: 'BooCode native agent',
      kind: 'native',
      available: configured,
      version: this.opts.version,
      install_path: null,
      command: [],
      models: this.nativeDefaults.model ? [{ id: this.nativeDefaults.model }] : [],
      custom: false,
      error: configured ? null : 'no provider: set BOOCODE_NATIVE_BASE_URL (and BOOCODE_NATIVE_MODEL) or "native" in config.json',
      checked_at: new Date().toISOString(),
    };
  }

  async list(refresh = false): Promise<AgentInfo[]> {
    if (refresh || !this.discovered) {
      this.discovered = discoverAgents({ ...this.opts.discovery, custom: this.opts.custom, logger: this.opts.log.child({ component: 'discovery' }) });
    }
    const found = await this.discovered.catch((err: unknown) => {
      this.opts.log.warn({ err }, 'agent discovery failed');
      this.discovered = null;
      return [] as AgentInfo[];
    });
    return [this.nativeInfo(), ...found];
  }

  async backendFor(agent: string): Promise<AgentBackend> {
    const known = this.backends.get(agent);
    if (known) return known;
    const info = (await this.list()).find((a) => a.name === agent);
    if (!info) throw new Error(`unknown agent "${agent}": see GET /api/agents`);
    if (!info.available) throw new Error(`agent "${agent}" is not usable here: ${info.error ?? 'unavailable'}`);
    const backend = backendFor(info, { ...this.factory, custom: this.opts.custom, logger: this.opts.log.child({ agent }) });
    this.backends.set(agent, backend);
    return backend;
  }

  async disposeAll(): Promise<void> {
    await Promise.all([...this.backends.values()].map((b) => b.dispose().catch(() => {})));
    this.backends.clear();
  }
}
