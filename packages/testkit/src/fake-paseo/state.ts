import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The fake `paseo`'s configuration and state, in files named by environment variables so that
 * separate invocations (as separate processes) share them, like the real CLI shares its daemon.
 *
 * - FAKE_PASEO_STATE: JSON file with the agents (created on first write).
 * - FAKE_PASEO_SCRIPT: JSON file with behaviours (replies to `send`, failures).
 * - FAKE_PASEO_LOG: every invocation's argv is appended here as one JSON line.
 */

export const FakePaseoReply = z.object({
  /** Substring of the prompt this reply answers; the first unused match wins. */
  match: z.string().optional(),
  /** Lines written to stdout, one by one. */
  lines: z.array(z.string()).default([]),
  delayMs: z.number().int().nonnegative().default(0),
  exitCode: z.number().int().default(0),
  stderr: z.string().optional(),
  /** Becomes the agent's LastUsage (as `paseo inspect` reports it). */
  usage: z
    .object({
      inputTokens: z.number().int(),
      outputTokens: z.number().int(),
      cachedInputTokens: z.number().int().default(0),
      totalCostUsd: z.number().default(0),
    })
    .optional(),
});
export type FakePaseoReply = z.input<typeof FakePaseoReply>;

export const FakePaseoScript = z.object({
  /** Every command fails as if no daemon were running. */
  daemonDown: z.boolean().default(false),
  /** `import` fails with this message. */
  importError: z.string().optional(),
  replies: z.array(FakePaseoReply).default([]),
});
export type FakePaseoScript = z.input<typeof FakePaseoScript>;

export const FakePaseoAgent = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  model: z.string().nullable(),
  status: z.enum(['idle', 'running', 'error', 'stopped']),
  cwd: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  importedSessionId: z.string(),
  lastUsage: FakePaseoReply.shape.usage,
  prompts: z.array(z.string()),
});
export type FakePaseoAgent = z.infer<typeof FakePaseoAgent>;

export const FakePaseoState = z.object({
  agents: z.array(FakePaseoAgent).default([]),
  usedReplies: z.array(z.number().int()).default([]),
});
export type FakePaseoState = z.infer<typeof FakePaseoState>;

export function readState(file: string): FakePaseoState {
  if (!existsSync(file)) return { agents: [], usedReplies: [] };
  return FakePaseoState.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function writeState(file: string, state: FakePaseoState): void {
  writeFileSync(file, JSON.stringify(state, null, 2));
}

export function readScript(file: string | undefined): z.output<typeof FakePaseoScript> {
  if (!file || !existsSync(file)) return FakePaseoScript.parse({});
  return FakePaseoScript.parse(JSON.parse(readFileSync(file, 'utf8')));
}
