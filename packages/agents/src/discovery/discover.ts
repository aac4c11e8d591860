import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentInfo, AgentModel, CustomAgentsConfig } from '@boocode/contracts';
import { AcpAgentProcess } from '../acp/process.js';
import { modelOption, selectValues } from '../acp/settings.js';
import { externalAgentEnv } from '../external/env.js';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';
import { PaseoCli } from '../paseo/cli.js';
import { DEFAULT_AGENTS, type KnownAgent } from './catalog.js';
import { nodeModulesBins, packageBin, which } from './which.js';

export interface DiscoveryOptions {
  /** Project directory: its node_modules/.bin is searched before PATH. Default: process.cwd(). */
  cwd?: string;
  /** PATH to search; default this process's. */
  path?: string;
  /** Agents from `BOOCODE_HOME/config.json`; a custom agent with a default's name replaces it. */
  custom?: CustomAgentsConfig;
  /** The built-in list to check; default DEFAULT_AGENTS. */
  agents?: readonly KnownAgent[];
  /** Also ask each agent for its models (starts an ACP session, runs `opencode models`). Slower. */
  probeModels?: boolean;
  /** Environment additions for every probe (e.g. isolated HOME in tests). */
  env?: Record<string, string | undefined>;
  /** Time limit of each probe. Default 15 s. */
  timeoutMs?: number;
  logger?: AgentLogger;
}

interface Probe {
  version: string | null;
  models: AgentModel[];
  error: string | null;
}

function mergedEnv(...layers: (Record<string, string | undefined> | undefined)[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const layer of layers) Object.assign(out, layer);
  return out;
}

function run(file: string, args: string[], env: Record<string, string | undefined>, timeoutMs: number, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: externalAgentEnv(env), timeout: timeoutMs, cwd, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${[file, ...args].join(' ')} failed: ${(stderr || err.message).trim().slice(0, 500)}`));
      else resolve(stdout);
    });
  });
}

/** First line that looks like a version (`1.18.33`, `v0.9.0-fake`), else the first line. */
function parseVersion(out: string): string | null {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const m = lines.map((l) => /v?(\d+\.\d+[\w.+-]*)/.exec(l)).find(Boolean);
  return m?.[1] ?? lines[0] ?? null;
}

async function probeAcp(
  path: string,
  agent: KnownAgent,
  env: Record<string, string | undefined>,
  opts: { probeModels: boolean; timeoutMs: number; logger: AgentLogger },
): Promise<Probe> {
  // A throwaway directory: probing must not touch the user's project.
  const scratch = await mkdtemp(join(tmpdir(), 'boocode-probe-'));
  let proc: AcpAgentProcess | null = null;
  try {
    proc = await AcpAgentProcess.start(
      { command: path, args: agent.args, env },
      { onUpdate: () => {}, onPermission: async () => ({ outcome: { outcome: 'cancelled' } }), rootFor: () => scratch },
      { cwd: scratch, logger: opts.logger, initTimeoutMs: opts.timeoutMs, clientName: 'boocode-discovery' },
    );
    const version = proc.init.agentInfo?.version ?? null;
    let models: AgentModel[] = [];
    let error: string | null = null;
    if (opts.probeModels) {
      try {
        const res = await withTimeout(proc.newSession(scratch), opts.timeoutMs);
        const opt = modelOption(res.configOptions ?? []);
        if (opt) models = selectValues(opt).map((x) => ({ id: x.value, name: x.name }));
      } catch (err) {
        // Typically "authentication required": the agent is installed but not logged in.
        error = `models unavailable: ${errorMessage(err)}`;
      }
    }
    return { version, models, error };
  } finally {
    await proc?.kill();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function probeOpenCode(
  path: string,
  env: Record<string, string | undefined>,
  opts: { probeModels: boolean; timeoutMs: number; cwd: string },
): Promise<Probe> {
  const version = parseVersion(await run(path, ['--version'], env, opts.timeoutMs, opts.cwd));
  let models: AgentModel[] = [];
  let error: string | null = null;
  if (opts.probeModels) {
    try {
      const out = await run(path, ['models'], env, opts.timeoutMs, opts.cwd);
      models = out
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^[\w.-]+\/\S+$/.test(l))
        .map((id) => ({ id }));
    } catch (err) {
      error = `models unavailable: ${errorMessage(err)}`;
    }
  }
  return { version, models, error };
}

async function probePaseo(path: string, env: Record<string, string | undefined>, opts: { timeoutMs: number; cwd: string }): Promise<Probe> {
  const version = parseVersion(await run(path, ['--version'], env, opts.timeoutMs, opts.cwd));
  // The CLI alone cannot run agents: the daemon must answer.
  try {
    await new PaseoCli({ bin: path, env, timeoutMs: opts.timeoutMs }).ls();
    return { version, models: [], error: null };
  } catch (err) {
    return { version, models: [], error: `daemon not reachable: ${errorMessage(err)}` };
  }
}

/**
 * Finds the usable external agents: the built-in list (opencode from BooCode's own dependency,
 * the project's node_modules or PATH; ACP agents; paseo) plus custom ones from the user's
 * config. Each is located, then asked for its version in its own protocol; all probes run at once.
 */
export async function discoverAgents(opts: DiscoveryOptions = {}): Promise<AgentInfo[]> {
  const cwd = opts.cwd ?? process.cwd();
  const logger = opts.logger ?? silentLogger;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const probeModels = opts.probeModels ?? false;
  const byName = new Map<string, KnownAgent>();
  for (const a of opts.agents ?? DEFAULT_AGENTS) byName.set(a.name, a);
  for (const [name, c] of Object.entries(opts.custom ?? {})) {
    byName.set(name, { name, label: c.label ?? name, kind: c.kind, command: c.command, args: c.args, env: c.env, custom: true });
  }
  const extraDirs = nodeModulesBins(cwd);

  return Promise.all(
    [...byName.values()].map(async (agent): Promise<AgentInfo> => {
      const checkedAt = new Date().toISOString();
      const path =
        (agent.command === 'opencode' && !agent.custom ? await packageBin('opencode-ai', 'opencode') : null) ??
        (await which(agent.command, { extraDirs, path: opts.path }));
      const base = {
        name: agent.name,
        label: agent.label,
        kind: agent.kind,
        install_path: path,
        command: [path ?? agent.command, ...agent.args],
        custom: agent.custom === true,
        checked_at: checkedAt,
      };
      if (!path) {
        return { ...base, available: false, version: null, models: [], error: `${agent.command} not found (node_modules/.bin or PATH)` };
      }
      const env = mergedEnv(opts.env, agent.env);
      try {
        const probe =
          agent.kind === 'acp'
            ? await probeAcp(path, agent, env, { probeModels, timeoutMs, logger })
            : agent.kind === 'paseo'
              ? await probePaseo(path, env, { timeoutMs, cwd })
              : await probeOpenCode(path, env, { probeModels, timeoutMs, cwd });
        const available = agent.kind !== 'paseo' || probe.error === null;
        return { ...base, available, version: probe.version, models: probe.models, error: probe.error };
      } catch (err) {
        logger.info({ agent: agent.name, err: errorMessage(err) }, 'discovery: agent not usable');
        return { ...base, available: false, version: null, models: [], error: errorMessage(err) };
      }
    }),
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}
