import type { Env } from '@boocode/agents';

/**
 * The environment git and project commands (setup, teardown) start from: the server's, as its
 * configuration read it. The git functions are plain functions called from many places, so the
 * server sets it here once at start instead of passing it to every call.
 */
let base: Env | null = null;

export function setGitBaseEnv(env: Env): void {
  base = env;
}

export function gitBaseEnv(): Env {
  if (!base) throw new Error('the environment of git commands is not set (setGitBaseEnv)');
  return base;
}
