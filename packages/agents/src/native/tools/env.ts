/**
 * Environment for commands the agent runs: the server's environment minus anything that looks like
 * a credential, so a prompt-injected `env` or `printenv` cannot leak keys to the model.
 */
const SECRET_NAME = [/_KEY$/i, /TOKEN/i, /SECRET/i, /PASSWORD/i, /CREDENTIAL/i, /^API_?KEY$/i];

export function isSecretName(name: string): boolean {
  return SECRET_NAME.some((re) => re.test(name));
}

export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !isSecretName(k)) out[k] = v;
  }
  return out;
}
