import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ApiToken, CustomAgentsConfig, homeDirectory } from '@boocode/contracts';

/** The native agent's provider: any OpenAI-compatible endpoint. Env vars override it. */
export const NativeProviderConfig = z.object({
  baseURL: z.url().optional(),
  /** Name of the environment variable holding the API key (keeps the key out of this file). */
  apiKeyEnv: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  maxSteps: z.number().int().min(1).max(500).optional(),
});
export type NativeProviderConfig = z.infer<typeof NativeProviderConfig>;

/** The OpenCode backend (agent `opencode`): how BooCode runs `opencode serve`. Env vars override parts of it. */
export const OpenCodeSettings = z.strictObject({
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
});
export type OpenCodeSettings = z.infer<typeof OpenCodeSettings>;

/** The Paseo backend (agent `paseo`). */
export const PaseoSettings = z.strictObject({
  /** Provider Paseo runs imported agents with (`paseo import --provider`); default `opencode`. */
  provider: z.string().min(1).optional(),
  /** Daemon address for every call (`--host`); default: the CLI's own. */
  host: z.string().min(1).optional(),
});
export type PaseoSettings = z.infer<typeof PaseoSettings>;

export const HomeConfig = z.object({
  token: ApiToken,
  /** Password of the embedded cluster's superuser; fixed at initdb time. */
  pg_password: z.string().min(16),
  /** User-defined agents: `{"<name>": {command, args, env, kind}}`. */
  agents: CustomAgentsConfig.default({}),
  native: NativeProviderConfig.default({}),
  opencode: OpenCodeSettings.default({}),
  paseo: PaseoSettings.default({}),
});
export type HomeConfig = z.infer<typeof HomeConfig>;

export function resolveHome(explicit?: string): string {
  return path.resolve(homeDirectory(explicit, process.env.BOOCODE_HOME, homedir()));
}

const secret = () => randomBytes(32).toString('base64url');

/**
 * Loads BOOCODE_HOME/config.json, creating it (mode 0600) with a fresh token on first start.
 * A config that exists but is malformed is an error naming the key, never silently replaced.
 */
export async function loadHomeConfig(home: string): Promise<HomeConfig> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const file = path.join(home, 'config.json');
  let raw: string | null = null;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (raw === null) {
    const fresh: HomeConfig = { token: secret(), pg_password: secret(), agents: {}, native: {}, opencode: {}, paseo: {} };
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(fresh, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, file);
    return fresh;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = HomeConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // A bad record key (an agent name) says only "Invalid key in record"; the reason is nested.
    const reason = issue?.code === 'invalid_key' ? issue.issues[0]?.message : issue?.message;
    throw new Error(`${file}: ${issue?.path.join('.') || '(root)'}: ${reason ?? 'invalid'}`);
  }
  // Keep the secret unreadable by others even if someone loosened it.
  await chmod(file, 0o600);
  return parsed.data;
}
