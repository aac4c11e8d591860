import { z } from 'zod';
import { AgentName, type AgentBackendKind } from '@boocode/contracts';
import { acpBackend } from './acp.js';
import type { BackendDefinition, KnownAgent } from './definition.js';
import { nativeBackend } from './native.js';
import { openCodeBackend } from './opencode.js';
import { paseoBackend } from './paseo.js';
import { ptyBackend } from './pty.js';
import { templateProblems } from '../pty/template.js';

/**
 * Every backend BooCode has, one definition each. A new backend is one file and one line here.
 * The terminal one (pty) comes last: the fallback for CLIs that speak no protocol.
 */
export const BACKENDS = [nativeBackend, openCodeBackend, acpBackend, paseoBackend, ptyBackend] as const;

type Definitions = (typeof BACKENDS)[number];

/** Each backend's parsed settings, by kind. */
export type BackendSettings = { [D in Definitions as D['kind']]: z.output<D['settings']> };

export function backendDefinition(kind: AgentBackendKind): BackendDefinition {
  const def = BACKENDS.find((b) => b.kind === kind);
  if (!def) throw new Error(`no backend of kind "${kind}"`);
  return def;
}

/** Agents looked for by default: every discovered backend's built-in list. */
export const DEFAULT_AGENTS: readonly KnownAgent[] = BACKENDS.flatMap((b: BackendDefinition) => b.discover?.agents ?? []);

/** Kinds found on the machine by command: the only kinds a custom agent can have. */
const COMMAND_KINDS = BACKENDS.flatMap((b: BackendDefinition) => (b.discover ? [b.kind] : []));

/**
 * A user-defined agent in `BOOCODE_HOME/config.json` (`{"agents": {"<name>": {...}}}`), e.g.
 * `{"command": "my-agent", "args": ["--acp"], "env": {"MY_KEY": "..."}, "kind": "acp"}`. Without
 * a `command` it adjusts the built-in agent of that name (`{"claude": {"mcp": false}}`).
 */
export const CustomAgentConfig = z.object({
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  kind: z.enum(COMMAND_KINDS).default('acp'),
  label: z.string().min(1).optional(),
  /** `false`: do not give the agent BooCode's MCP server (unset: give it, scoped to its session). */
  mcp: z.boolean().optional(),
  /** Kind `pty` only: how long one run may take before it is stopped. Default 1800. */
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
});
export type CustomAgentConfig = z.output<typeof CustomAgentConfig>;

export const CustomAgentsConfig = z.record(AgentName, CustomAgentConfig).superRefine((agents, ctx) => {
  for (const [name, c] of Object.entries(agents)) {
    if (c.command === undefined && !DEFAULT_AGENTS.some((a) => a.name === name)) {
      ctx.addIssue({ code: 'custom', path: [name, 'command'], message: `required: there is no built-in agent named ${name} to adjust` });
    }
    if (c.kind === 'pty') {
      // A terminal agent's args are a template (pty/template.ts): its placeholders must mean something.
      for (const problem of templateProblems(c.args)) ctx.addIssue({ code: 'custom', path: [name, 'args'], message: problem });
    } else if (c.timeout_seconds !== undefined) {
      ctx.addIssue({ code: 'custom', path: [name, 'timeout_seconds'], message: `only an agent of kind "pty" takes a time limit (this one is "${c.kind}")` });
    }
  }
});
export type CustomAgentsConfig = z.output<typeof CustomAgentsConfig>;
