import type { AgentInfo, AgentModel } from '@boocode/contracts';
import { z } from 'zod';
import { backendDefinition, type BackendSettings, type CustomAgentsConfig } from '../backends/registry.js';
import type { NativeSettings } from '../backends/native.js';
import type { Env } from '../external/env.js';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';

export interface ModelListOptions {
  baseEnv: Env;
  settings: BackendSettings;
  custom: CustomAgentsConfig;
  /** Environment additions for the agent's probe (as discovery's `env`). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Time limit of the probe or request. Default 60 s: `opencode models` alone takes seconds. */
  timeoutMs?: number;
  logger?: AgentLogger;
}

/** The OpenAI-compatible `GET /models` answer; only the ids matter here. */
const ModelsAnswer = z.object({ data: z.array(z.looseObject({ id: z.string().min(1) })) });

/**
 * The models an agent offers, asked of the agent itself: the native agent's configured endpoint
 * (`GET <baseURL>/models`), an external agent through its backend's discovery probe (an ACP
 * session's model option, `opencode models`). Throws a sentence saying why when it cannot.
 */
export async function listAgentModels(info: AgentInfo, opts: ModelListOptions): Promise<AgentModel[]> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  if (info.kind === 'native') return endpointModels(opts.settings.native, opts.baseEnv, timeoutMs);
  const def = backendDefinition(info.kind);
  const [executable, ...args] = info.command;
  if (!def.discover || !info.install_path || !executable) throw new Error(`${info.label} is not started by command, so it cannot be asked for its models`);
  const env = opts.custom[info.name]?.env ?? {};
  const probe = await def.discover.probe(
    executable,
    { name: info.name, label: info.label, kind: info.kind, command: executable, args, env, custom: info.custom },
    {
      env: { ...opts.env, ...env },
      baseEnv: opts.baseEnv,
      cwd: opts.cwd ?? process.cwd(),
      timeoutMs,
      probeModels: true,
      settings: opts.settings[info.kind],
      logger: opts.logger ?? silentLogger,
    },
  );
  if (probe.models.length === 0 && probe.error) throw new Error(probe.error);
  return probe.models;
}

async function endpointModels(settings: NativeSettings, baseEnv: Env, timeoutMs: number): Promise<AgentModel[]> {
  if (!settings.baseURL) throw new Error('the native agent has no provider: set BOOCODE_NATIVE_BASE_URL or "native" in config.json');
  const url = `${settings.baseURL.replace(/\/+$/, '')}/models`;
  const key = settings.apiKey ?? (settings.apiKeyEnv ? baseEnv[settings.apiKeyEnv] : undefined);
  let res: Response;
  try {
    res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`${url} did not answer: ${errorMessage(err)}`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`.trim());
  const parsed = ModelsAnswer.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new Error(`${url} did not answer with a model list ({"data": [{"id": ...}]})`);
  return [...new Set(parsed.data.data.map((m) => m.id))].sort().map((id) => ({ id }));
}
