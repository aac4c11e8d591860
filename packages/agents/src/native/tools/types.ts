import type { z } from 'zod';
import type { SubagentControl } from '@boocode/contracts';
import type { Env } from '../../external/env.js';
import type { SandboxPolicy } from '../../sandbox/index.js';

/** What every tool receives besides its input. */
export interface ToolContext {
  /** The session root, already resolved with realpath. Every path a tool touches stays inside it. */
  root: string;
  /** Aborted when the turn is cancelled; long-running tools stop early. */
  signal?: AbortSignal;
  /** Overrides of the built-in limits, mainly so tests can use small ones. */
  limits?: Partial<ToolLimits>;
  /** The environment run_command starts from (the server's); secret-looking variables are dropped from it. */
  env: Env;
  /** Variables run_command must not pass on although their names look harmless (the model's API key). */
  hiddenEnv?: readonly string[];
  /** Confines run_command (none: commands run as they are). */
  sandbox?: SandboxPolicy;
  /** Background subagents of the running turn; the subagent tools are offered only with it. */
  subagents?: SubagentControl;
  /** The model's id of the call being run (a spawned subagent remembers it). */
  toolCallId?: string;
}

export interface ToolLimits {
  /** grep: wall-clock budget for one search, after which the search is killed. */
  grepTimeoutMs: number;
  /** run_command: output cap in characters (stdout + stderr). */
  commandOutputCap: number;
}

export const DEFAULT_LIMITS: ToolLimits = {
  grepTimeoutMs: 10_000,
  commandOutputCap: 32_000,
};

export function limitsOf(ctx: ToolContext): ToolLimits {
  return { ...DEFAULT_LIMITS, ...ctx.limits };
}

/**
 * A tool's answer. Failures are values, not exceptions: the message goes back to the model so it
 * can correct itself, and the UI shows the call as failed.
 */
export type ToolOutcome = { ok: true; output: string } | { ok: false; error: string };

export const success = (output: string): ToolOutcome => ({ ok: true, output });
export const failure = (error: string): ToolOutcome => ({ ok: false, error });

export interface NativeTool<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Written for the model: what the tool does, when to use it, and its limits. */
  description: string;
  inputSchema: S;
  /** True for tools that change files; such steps trigger the check-after-write loop. */
  writes: boolean;
  execute(input: z.output<S>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Identity helper that keeps the schema's type attached to `execute`'s input. */
export function defineTool<S extends z.ZodType>(tool: NativeTool<S>): NativeTool<S> {
  return tool;
}
