import { z } from 'zod';
import { DEFAULT_PTY_TIMEOUT_SECONDS, PtyBackend } from '../pty/backend.js';
import { defineBackend } from './definition.js';

/** Terminal agents have no settings of their own kind: each one's are in its config.json `agents` entry. */
export const PtySettings = z.object({});

export const ptyBackend = defineBackend({
  kind: 'pty',
  settings: PtySettings,
  capabilities: { images: false, resume: false, modes: false, model_list: false, usage: false },
  notes: [
    'A terminal command run once per message: it keeps no memory between turns unless its CLI does, and BooCode sees neither its tool calls nor its usage.',
  ],
  discover: {
    // None built in: each is a custom agent of kind "pty" in config.json.
    agents: [],
    // Running the command would run an agent turn: being found is all that can be checked.
    probe: async () => ({ version: null, models: [], error: null }),
  },
  create: (_s, deps) => {
    const [command = '', ...args] = deps.command;
    return new PtyBackend({
      name: deps.name,
      command,
      args,
      env: deps.env,
      baseEnv: deps.baseEnv,
      timeoutMs: (deps.timeoutSeconds ?? DEFAULT_PTY_TIMEOUT_SECONDS) * 1000,
      logger: deps.logger,
      sandbox: deps.sandbox,
    });
  },
});
