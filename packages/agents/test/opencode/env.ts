import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An isolated, offline home for a real opencode: its own HOME and XDG dirs (so nothing from the
 * developer's own opencode setup leaks in, and nothing leaks out), an unreachable npm registry
 * (so any attempt to install a provider package at run time fails loudly instead of silently
 * downloading), and a provider pointing at the fake LLM.
 */
export interface OpenCodeTestHome {
  root: string;
  env: Record<string, string>;
  config: Record<string, unknown>;
  /** A git repository with `hello.txt`, usable as a worktree. */
  makeRepo(name: string): string;
  cleanup(): void;
}

export function openCodeTestHome(llmUrl: string): OpenCodeTestHome {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-oc-')));
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
    XDG_DATA_HOME: join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: join(root, 'xdg', 'state'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const deadRegistry = 'http://127.0.0.1:9/';
  const env: Record<string, string> = {
    ...dirs,
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    npm_config_registry: deadRegistry,
    NPM_CONFIG_REGISTRY: deadRegistry,
    BUN_CONFIG_REGISTRY: deadRegistry,
  };
  const config = {
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
  return {
    root,
    env,
    config,
    makeRepo(name) {
      const dir = join(root, 'repos', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'hello.txt'), 'hi there\n');
      const git = (...args: string[]): void => {
        execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
      };
      git('init', '-q');
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
      return dir;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
