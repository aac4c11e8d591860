import { z } from 'zod';
import { NativeBackend } from '../native/backend.js';
import { defineBackend, definedOnly } from './definition.js';

/**
 * config.json `native`: the provider every native session starts from (any OpenAI-compatible
 * endpoint). Unset fields keep NativeAgentConfig's defaults, applied per session.
 */
export const NativeSettings = z.object({
  baseURL: z.url().optional(),
  /** Name of the environment variable holding the API key (keeps the key out of this file). */
  apiKeyEnv: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  maxSteps: z.number().int().min(1).max(500).optional(),
  /** Retries of a failed model request (429, 5xx) before the turn fails; default 2. */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** The model's context window in tokens, when the built-in table does not know the model. */
  contextWindow: z.number().int().min(1024).optional(),
  /** Share of the context window (0.1 to 0.99) at which earlier turns are summarised; default 0.8. */
  compactAt: z.number().min(0.1).max(0.99).optional(),
});
export type NativeSettings = z.output<typeof NativeSettings>;

const NonEmpty = z.string().min(1);

export const nativeBackend = defineBackend({
  kind: 'native',
  section: 'native',
  settings: NativeSettings,
  env: {
    schema: z.object({
      BOOCODE_NATIVE_BASE_URL: z.url().optional(),
      BOOCODE_NATIVE_MODEL: NonEmpty.optional(),
      BOOCODE_NATIVE_API_KEY: NonEmpty.optional(),
      /** The name of another variable holding the key (read at each turn, hidden from commands). */
      BOOCODE_NATIVE_API_KEY_ENV: NonEmpty.optional(),
    }),
    toSettings: (v) =>
      definedOnly({ baseURL: v.BOOCODE_NATIVE_BASE_URL, model: v.BOOCODE_NATIVE_MODEL, apiKey: v.BOOCODE_NATIVE_API_KEY, apiKeyEnv: v.BOOCODE_NATIVE_API_KEY_ENV }),
  },
  // Images go to the model as they are; whether it understands them is the model's business.
  capabilities: { images: true, resume: false, modes: false, model_list: true, usage: true },
  builtin: {
    name: 'native',
    label: 'BooCode native agent',
    status: (s) => ({
      available: Boolean(s.baseURL),
      models: s.model ? [{ id: s.model }] : [],
      error: s.baseURL ? null : 'no provider: set BOOCODE_NATIVE_BASE_URL (and BOOCODE_NATIVE_MODEL) or "native" in config.json',
    }),
  },
  create: (settings, deps) => new NativeBackend({ defaults: definedOnly(settings), baseEnv: deps.baseEnv, logger: deps.logger, sandbox: deps.sandbox }),
});
