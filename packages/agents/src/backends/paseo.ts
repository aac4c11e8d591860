import { z } from 'zod';
import { errorMessage } from '../external/logger.js';
import { PaseoBackend } from '../paseo/backend.js';
import { PaseoCli } from '../paseo/cli.js';
import { parseVersion, runProbe } from '../discovery/probe.js';
import { defineBackend, definedOnly } from './definition.js';

/** config.json `paseo`: how BooCode calls the Paseo daemon. */
export const PaseoSettings = z.object({
  /** Provider Paseo runs the agents it creates with (`paseo run --provider`); default `opencode`. */
  provider: z.string().min(1).optional(),
  /** Daemon address (`host:port`) for every call and the event stream; default: the one the CLI itself picks. */
  host: z.string().min(1).optional(),
});
export type PaseoSettings = z.output<typeof PaseoSettings>;

export const paseoBackend = defineBackend({
  kind: 'paseo',
  section: 'paseo',
  settings: PaseoSettings,
  env: {
    schema: z.object({ BOOCODE_PASEO_PROVIDER: z.string().min(1).optional(), BOOCODE_PASEO_HOST: z.string().min(1).optional() }),
    toSettings: (v) => definedOnly({ provider: v.BOOCODE_PASEO_PROVIDER, host: v.BOOCODE_PASEO_HOST }),
  },
  capabilities: { images: true, resume: true, modes: false, model_list: false, usage: true },
  discover: {
    agents: [
      {
        name: 'paseo',
        label: 'Paseo',
        kind: 'paseo',
        command: 'paseo',
        args: [],
        notes: ['Text arrives a part at a time, not token by token, and each paseo call takes a second or more.'],
      },
    ],
    async probe(executable, _agent, ctx) {
      const version = parseVersion(await runProbe(executable, ['--version'], { base: ctx.baseEnv, agent: ctx.env }, ctx.timeoutMs, ctx.cwd));
      // The CLI alone cannot run agents: the daemon must answer.
      try {
        const settings = PaseoSettings.parse(ctx.settings ?? {});
        await new PaseoCli({ bin: executable, host: settings.host, baseEnv: ctx.baseEnv, env: ctx.env, timeoutMs: ctx.timeoutMs }).ls();
        return { version, models: [], error: null };
      } catch (err) {
        return { version, models: [], error: `daemon not reachable: ${errorMessage(err)}`, available: false };
      }
    },
  },
  // Stateless on BooCode's side: the daemon keeps the agents.
  create: (s, deps) => new PaseoBackend({ ...s, env: deps.env, bin: deps.command[0], baseEnv: deps.baseEnv, logger: deps.logger }),
});
