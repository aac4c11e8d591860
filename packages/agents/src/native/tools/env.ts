import type { Env } from '../../external/env.js';

/**
 * Environment for commands the agent runs: the server's environment minus anything that looks like
 * a credential, so a prompt-injected `env` or `printenv` cannot leak keys to the model.
 */
const SECRET_NAME = [
  /_KEY$/i,
  /APIKEY/i,
  /TOKEN/i,
  /SECRET/i,
  /PASS/i, // PASSWORD, PGPASS, PGPASSFILE, *_PASSPHRASE
  // AUTH (NPM_AUTH, GH_AUTH, OAUTH_*), but not GIT_AUTHOR_*, which git commits need.
  /AUTH(?!OR)/i,
  /CREDENTIAL/i,
  /DSN/i,
  /_PAT$/i,
  /^DATABASE_URL$/i,
  // BooCode's own settings (database, tokens, paths of its home) are none of the agent's business.
  /^BOOCODE_/i,
];

/** `scheme://user:password@...` anywhere in a value. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]*@/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.some((re) => re.test(name));
}

export function isSecretValue(value: string): boolean {
  return URL_WITH_PASSWORD.test(value);
}

/** `hidden`: names dropped whatever they look like (the native agent's `apiKeyEnv`). */
export function scrubbedEnv(env: Env, hidden: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !isSecretName(k) && !isSecretValue(v) && !hidden.includes(k)) out[k] = v;
  }
  return out;
}
