import { z } from 'zod';
import type { AgentModel } from '@boocode/contracts';
import { errorMessage } from '../external/logger.js';
import { OpenCodeBackend } from '../opencode/backend.js';
import { serverEnv } from '../opencode/config.js';
import { TitleSource } from '../opencode/titles.js';
import { parseVersion, runProbe } from '../discovery/probe.js';
import { defineBackend, definedOnly } from './definition.js';

/** config.json `opencode`: how BooCode runs `opencode serve` for the `opencode` agent. */
export const OpenCodeSettings = z.object({
  /** opencode.json content, passed as OPENCODE_CONFIG_CONTENT: providers (e.g. your own OpenAI-compatible endpoint), models, permissions. */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Provider for model ids given without a `provider/` prefix. */
  defaultProvider: z.string().min(1).optional(),
  /** Added to the environment of `opencode serve` (provider API keys, HOME, ...). */
  env: z.record(z.string(), z.string()).optional(),
  /** Use the model catalogue bundled in opencode instead of fetching models.dev (no network). */
  offline: z.boolean().optional(),
  /** A turn with no event from opencode for this long fails (default 180000). */
  inactivityTimeoutMs: z.number().int().min(1000).optional(),
  /**
   * Who names a new opencode session: `boocode` (default: BooCode gives it a title, so opencode
   * makes no extra model call) or `opencode` (opencode's model invents one from the first prompt,
   * an extra paid call per session, and it becomes the session's name).
   */
  titles: TitleSource.optional(),
});
export type OpenCodeSettings = z.output<typeof OpenCodeSettings>;

/** A JSON object in a string (an env var holding opencode.json content). */
const JsonObject = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not valid JSON: ${errorMessage(err)}` });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.unknown(), { error: 'must be a JSON object (opencode.json content)' }));

export const openCodeBackend = defineBackend({
  kind: 'opencode_server',
  section: 'opencode',
  settings: OpenCodeSettings,
  env: {
    schema: z.object({
      BOOCODE_OPENCODE_CONFIG: JsonObject.optional(),
      BOOCODE_OPENCODE_DEFAULT_PROVIDER: z.string().min(1).optional(),
      BOOCODE_OPENCODE_OFFLINE: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
    }),
    toSettings: (v) =>
      definedOnly({
        config: v.BOOCODE_OPENCODE_CONFIG,
        defaultProvider: v.BOOCODE_OPENCODE_DEFAULT_PROVIDER,
        offline: v.BOOCODE_OPENCODE_OFFLINE === undefined ? undefined : v.BOOCODE_OPENCODE_OFFLINE === '1',
      }),
  },
  capabilities: { images: true, resume: true, modes: true, model_list: true, usage: true },
  discover: {
    agents: [{ name: 'opencode', label: 'OpenCode', kind: 'opencode_server', command: 'opencode', args: [] }],
    async probe(executable, _agent, ctx) {
      const env = { base: ctx.baseEnv, agent: ctx.env };
      const version = parseVersion(await runProbe(executable, ['--version'], env, ctx.timeoutMs, ctx.cwd));
      let models: AgentModel[] = [];
      let error: string | null = null;
      if (ctx.probeModels) {
        try {
          // As its server would list them: the user's providers from the config, and only the
          // catalogue bundled in opencode (listing models downloads nothing).
          const s = OpenCodeSettings.safeParse(ctx.settings ?? {});
          const settings = s.success ? s.data : {};
          const asServer = serverEnv({ baseEnv: ctx.baseEnv, env: { ...settings.env, ...ctx.env }, config: settings.config, offline: true });
          const out = await runProbe(executable, ['models'], { base: asServer, agent: {} }, ctx.timeoutMs, ctx.cwd);
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
    },
  },
  // One `opencode serve` serves every chat of the agent.
  create: (s, deps) =>
    new OpenCodeBackend({
      ...s,
      env: { ...s.env, ...deps.env },
      binary: deps.command[0],
      baseEnv: deps.baseEnv,
      logger: deps.logger,
    }),
});
