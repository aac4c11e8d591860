import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Env } from '../external/env.js';
import { bwrapArgs } from './bwrap.js';
import type { SandboxProbe } from './detect.js';
import type { SandboxSettings } from './settings.js';

/** How BooCode confines agent commands on this machine: the settings, what the probe found, what to hide. */
export interface SandboxPolicy {
  settings: SandboxSettings;
  probe: SandboxProbe;
  /** Directories no sandboxed command sees (BooCode's home). */
  hide: readonly string[];
  /** Where the private homes of external agents started in the sandbox are kept, one per agent. */
  agentHomes?: string;
}

/** What `GET /api/agents` shows of an agent's sandbox. */
export interface SandboxState {
  state: 'on' | 'off' | 'unavailable';
  network: boolean;
  /** Why it is off or unavailable, as a sentence; null when on. */
  detail: string | null;
}

/** A program and arguments ready to spawn: the command itself, or bubblewrap around it. */
export type Confined =
  | { ok: true; command: string; args: string[]; sandboxed: boolean }
  | { ok: false; error: string };

export function sandboxState(policy: SandboxPolicy | undefined): SandboxState {
  if (!policy || policy.settings.mode === 'off') {
    return { state: 'off', network: true, detail: policy ? 'switched off by the sandbox setting' : 'no sandbox configured' };
  }
  if (!policy.probe.available) {
    const what = policy.settings.mode === 'required' ? 'commands are refused' : 'commands run unconfined';
    return { state: 'unavailable', network: true, detail: `${policy.probe.reason}; ${what}` };
  }
  return { state: 'on', network: policy.settings.network, detail: null };
}

/** An external agent's sandbox: on only when `sandbox.agents` names it. */
export function externalAgentSandbox(policy: SandboxPolicy | undefined, name: string): SandboxState {
  if (!policy?.settings.agents.includes(name)) return { state: 'off', network: true, detail: 'not started inside the sandbox (add it to sandbox.agents)' };
  return sandboxState(policy);
}

/**
 * Wraps `command` for the sandbox the policy asks for. Without a sandbox a command runs as it is,
 * unless the settings require one: then it is refused with a sentence saying why.
 */
export async function sandboxCommand(
  policy: SandboxPolicy | undefined,
  root: string,
  command: string,
  args: readonly string[],
  home?: { source: string; target: string },
): Promise<Confined> {
  if (!policy || policy.settings.mode === 'off') return { ok: true, command, args: [...args], sandboxed: false };
  if (!policy.probe.available) {
    if (policy.settings.mode === 'required') {
      return { ok: false, error: `The sandbox is required (sandbox.mode "required") but unavailable: ${policy.probe.reason}. The command was not run.` };
    }
    return { ok: true, command, args: [...args], sandboxed: false };
  }
  const pre = await bwrapArgs({ root, hide: policy.hide, network: policy.settings.network, home });
  return { ok: true, command: policy.probe.bwrap, args: [...pre, '--', command, ...args], sandboxed: true };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * How an external agent process is started: inside the sandbox when `sandbox.agents` names it,
 * with a private home of its own (its logins and caches stay there, and the user's real home
 * directory stays read-only), else as it is.
 */
export async function sandboxAgentCommand(
  policy: SandboxPolicy | undefined,
  name: string,
  root: string,
  command: string,
  args: readonly string[],
  env: Env,
): Promise<Confined> {
  if (!policy?.settings.agents.includes(name)) return { ok: true, command, args: [...args], sandboxed: false };
  // The read-only system cannot take a new mount point: a home that does not exist becomes one in /tmp.
  const target = env.HOME && (await isDirectory(env.HOME)) ? env.HOME : '/tmp/home';
  const source = path.join(policy.agentHomes ?? path.join(tmpdir(), 'boocode-agent-homes'), name);
  await mkdir(source, { recursive: true, mode: 0o700 });
  return sandboxCommand(policy, root, command, args, { source, target });
}

/** bubblewrap's own report that the program inside could not be started. */
const BWRAP_EXEC_FAILED = /^bwrap: execvp [^\n]*: No such file or directory/m;

/** The errno a sandboxed start failure stands for, so callers word it as they do for a direct spawn. */
export function sandboxSpawnError(stderr: string, exitCode: number | null): string | null {
  return exitCode === 1 && BWRAP_EXEC_FAILED.test(stderr) ? 'ENOENT' : null;
}
