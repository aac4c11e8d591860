import { z } from 'zod';
import { BACKENDS, type BackendDefinition } from '@boocode/agents';

/**
 * The server's settings from the environment and the command line, as zod schemas whose keys are
 * the variables' and flags' names, so a bad value is reported under the name the user typed.
 */

/** Longest delay a Node timer takes; anything longer would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const NonEmpty = z.string().min(1);
const Integer = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be ${what}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be ${what}`).max(max, `must be ${what}`));
const Count = Integer(1, Number.MAX_SAFE_INTEGER, 'a positive integer');
const Millis = Integer(1, MAX_TIMER_MS, `a positive integer of milliseconds (at most ${MAX_TIMER_MS})`);
const Port = Integer(0, 65535, 'a port number (0-65535)');

export const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
export type LogLevel = z.output<typeof LogLevel>;

/** Settings of `boocode serve` from the environment. */
export const ServerEnv = z.object({
  BOOCODE_HOME: NonEmpty.optional(),
  BOOCODE_PORT: Port.optional(),
  BOOCODE_HOST: NonEmpty.optional(),
  DATABASE_URL: NonEmpty.optional(),
  BOOCODE_LOG_LEVEL: LogLevel.optional(),
  BOOCODE_CONCURRENCY: Count.optional(),
  BOOCODE_LEASE_MS: Millis.optional(),
  BOOCODE_TURN_TIMEOUT_MS: Millis.optional(),
  BOOCODE_SHUTDOWN_GRACE_MS: Integer(0, MAX_TIMER_MS, `an integer of milliseconds from 0 to ${MAX_TIMER_MS}`).optional(),
  BOOCODE_AGENT_IDLE_MS: Millis.optional(),
  BOOCODE_REAP_INTERVAL_MS: Millis.optional(),
  BOOCODE_REPLAY_FRAMES: Count.optional(),
  BOOCODE_WS_MAX_BUFFER: Count.optional(),
  BOOCODE_WORKFLOW_RUNS: Count.optional(),
  BOOCODE_WORKFLOW_AGENTS: Count.optional(),
  BOOCODE_SUBAGENTS_RUNNING: Count.optional(),
  BOOCODE_SUBAGENT_DEPTH: Count.optional(),
  BOOCODE_SUBAGENTS_PER_TURN: Count.optional(),
  BOOCODE_TMUX: NonEmpty.optional(),
  BOOCODE_TERMINAL_RING_LINES: Integer(10, 1_000_000, 'an integer from 10 to 1000000').optional(),
  BOOCODE_TERMINALS_PER_SESSION: Integer(1, 1000, 'an integer from 1 to 1000').optional(),
  BOOCODE_TERMINAL_MAX_BPS: Integer(1024, Number.MAX_SAFE_INTEGER, 'an integer of at least 1024').optional(),
  /** Confinement of agent commands: auto (bubblewrap when it works), required (refuse without it), off. */
  BOOCODE_SANDBOX: z.enum(['auto', 'required', 'off']).optional(),
  /** Whether sandboxed commands reach the network. */
  BOOCODE_SANDBOX_NETWORK: z.enum(['on', 'off']).transform((v) => v === 'on').optional(),
  /** The user's login shell, started in terminals; anything but an absolute path means `/bin/sh`. */
  SHELL: z.string().optional(),
  /** The OTLP/HTTP collector spans go to; unset: no telemetry at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

/** Settings of the CLI's client commands from the environment. */
export const ClientEnv = z.object({
  BOOCODE_HOME: NonEmpty.optional(),
  BOOCODE_URL: z.url().optional(),
  BOOCODE_TOKEN: NonEmpty.optional(),
});

/** `boocode serve --home --port --host`: raw strings, checked like the variables they override. */
export const ServerFlags = z.object({
  home: NonEmpty.optional(),
  port: Port.optional(),
  host: NonEmpty.optional(),
});
export type ServerFlagsInput = z.input<typeof ServerFlags>;

/** Every environment variable a setting is read from: the server's, the CLI's and each backend's. */
export function settingNames(): { env: string[]; flags: string[] } {
  const backendVars = BACKENDS.flatMap((d: BackendDefinition) => (d.env ? Object.keys(d.env.schema.shape) : []));
  return {
    env: [...new Set([...Object.keys(ServerEnv.shape), ...Object.keys(ClientEnv.shape), ...backendVars])],
    flags: Object.keys(ServerFlags.shape).map((f) => `--${f}`),
  };
}
