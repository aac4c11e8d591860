/** An environment: variable names to values (the server's own is given by its configuration). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Environment of an external agent process (ACP agent, `opencode serve`, `paseo`): the server's,
 * minus BooCode's own settings (`DATABASE_URL` carries the database password, `BOOCODE_*` its
 * tokens), then the agent's configured env on top (undefined removes a variable). Provider keys
 * (`*_API_KEY`, ...) stay: the agent calls its models with them.
 */
export function externalAgentEnv(base: Env, configured: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && k !== 'DATABASE_URL' && !k.startsWith('BOOCODE_')) env[k] = v;
  }
  for (const [k, v] of Object.entries(configured)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
