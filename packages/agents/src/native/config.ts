import { z } from 'zod';

/**
 * Settings of the native agent for one session: backend defaults merged with
 * `EnsureSessionOpts.config`. Any OpenAI-compatible endpoint works (OpenAI, DeepSeek, llama.cpp,
 * OpenRouter, the fake LLM in tests).
 */
export const NativeAgentConfig = z.object({
  baseURL: z.url(),
  /** The key itself. Prefer apiKeyEnv so the key does not travel through configs and logs. */
  apiKey: z.string().min(1).optional(),
  /** Name of the environment variable holding the key, read at each turn. */
  apiKeyEnv: z.string().min(1).optional(),
  /** Used when the session has no model of its own. */
  model: z.string().min(1).optional(),
  /** Label in usage events and in the provider-metadata key. */
  providerName: z.string().min(1).default('openai-compatible'),
  /** Model calls per turn; the loop stops with `max_steps` when the model still wants tools. */
  maxSteps: z.number().int().min(1).max(500).default(25),
  /** Retries of a failed model call (429, 5xx) inside the SDK before the turn fails. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** A provider response that sends nothing for this long is abandoned (stalled connection). */
  idleTimeoutMs: z.number().int().positive().default(120_000),
  /** Overrides the project's `check_after_write`; unset follows the project (default on). */
  checkAfterWrite: z.boolean().optional(),
  checkTimeoutMs: z.number().int().positive().max(600_000).default(120_000),
  /** Extra instructions appended to the built-in system prompt. */
  systemPrompt: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** The model's context window in tokens; unset: the known table (or a safe default for unknown models). */
  contextWindow: z.number().int().min(1024).optional(),
  /** Share of the context window at which earlier turns are summarised to make room. */
  compactAt: z.number().min(0.1).max(0.99).default(0.8),
});
export type NativeAgentConfig = z.output<typeof NativeAgentConfig>;
export type NativeAgentConfigInput = z.input<typeof NativeAgentConfig>;
