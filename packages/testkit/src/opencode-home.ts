import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeScratch, scratchDir } from './scratch.js';

/**
 * An isolated, offline home for a real opencode: its own HOME and XDG dirs (nothing from the
 * developer's opencode setup leaks in or out), an unreachable npm registry (a run-time install
 * attempt fails loudly instead of downloading), and a provider pointing at the fake LLM.
 */
export interface OpenCodeTestHome {
  root: string;
  env: Record<string, string>;
  /** opencode.json content: the fake provider, `fake/fake-model` by default. */
  config: Record<string, unknown>;
  cleanup(): void;
}

/** The opencode config of a provider `fake` at `llmUrl` (the fake LLM's `/v1` URL). */
export function fakeOpenCodeConfig(llmUrl: string): Record<string, unknown> {
  return {
    model: 'fake/fake-model',
    provider: {
      fake: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Fake',
        options: { baseURL: llmUrl, apiKey: 'test-key' },
        models: { 'fake-model': { name: 'Fake Model' } },
      },
    },
  };
}

export function openCodeTestHome(llmUrl: string, prefix = 'boocode-oc-'): OpenCodeTestHome {
  const root = scratchDir(prefix);
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
    XDG_DATA_HOME: join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: join(root, 'xdg', 'state'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const deadRegistry = 'http://127.0.0.1:9/';
  return {
    root,
    env: {
      ...dirs,
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      npm_config_registry: deadRegistry,
      NPM_CONFIG_REGISTRY: deadRegistry,
      BUN_CONFIG_REGISTRY: deadRegistry,
    },
    config: fakeOpenCodeConfig(llmUrl),
    cleanup: () => removeScratch(root),
  };
}
