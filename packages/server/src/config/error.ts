/** A setting with a bad value: the message names the setting (env var, flag or config.json key). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
