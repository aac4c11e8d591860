import { z } from 'zod';
import { AgentName } from '@boocode/contracts';

/**
 * config.json `sandbox` (environment variables over it): how agent commands are confined.
 * `auto` uses bubblewrap when it works here and runs commands as they are otherwise; `required`
 * refuses to run a command without it; `off` never uses it.
 */
export const SandboxMode = z.enum(['auto', 'required', 'off']);
export type SandboxMode = z.output<typeof SandboxMode>;

export const SandboxSettings = z.object({
  mode: SandboxMode.default('auto'),
  /** Whether sandboxed commands reach the network. */
  network: z.boolean().default(true),
  /** External agents (ACP) started inside the sandbox too, by name. */
  agents: z.array(AgentName).default([]),
});
export type SandboxSettings = z.output<typeof SandboxSettings>;
export type SandboxSettingsInput = z.input<typeof SandboxSettings>;
