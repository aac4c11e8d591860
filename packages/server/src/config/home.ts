import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ApiToken, PriceOverrides } from '@boocode/contracts';
import { BACKENDS, CustomAgentsConfig, SandboxSettings, type BackendDefinition } from '@boocode/agents';
import { ConfigError } from './error.js';
import { unknownKeys, type UnknownKey } from './unknown-keys.js';

/** Each backend's config.json section (`native`, `opencode`, `acp`, `paseo`), from the backend registry. */
const BACKEND_SECTIONS = Object.fromEntries(
  BACKENDS.flatMap((d: BackendDefinition) => (d.section ? [[d.section, d.settings.default({})] as const] : [])),
);

/** `BOOCODE_HOME/config.json`. */
export const HomeConfig = z.object({
  token: ApiToken,
  /** Password of the embedded cluster's superuser; fixed at initdb time. */
  pg_password: z.string().min(16),
  /** User-defined agents: `{"<name>": {command, args, env, kind}}`. */
  agents: CustomAgentsConfig.default({}),
  /** Confinement of agent commands (`mode`, `network`, `agents` started inside it). */
  sandbox: SandboxSettings.default({ mode: 'auto', network: true, agents: [] }),
  /** Model prices over the bundled table: `{"<model id>": {input, cached_input, cache_write, output, reasoning}}`, USD per million tokens. */
  prices: PriceOverrides.default({}),
  ...BACKEND_SECTIONS,
});
export type HomeConfig = z.output<typeof HomeConfig>;

const secret = () => randomBytes(32).toString('base64url');

export interface HomeConfigFile {
  config: HomeConfig;
  /** Keys no setting reads (typos, settings that do not exist): ignored, and reported at start-up. */
  unknownKeys: UnknownKey[];
}

/**
 * Loads BOOCODE_HOME/config.json, creating it (mode 0600) with a fresh token on first start.
 * A config that exists but is malformed is an error naming the key, never silently replaced.
 */
export async function loadHomeConfig(home: string): Promise<HomeConfigFile> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const file = path.join(home, 'config.json');
  let raw: string | null = null;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (raw === null) {
    const fresh = HomeConfig.parse({ token: secret(), pg_password: secret() });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(fresh, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, file);
    return { config: fresh, unknownKeys: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = HomeConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // A bad record key (an agent name) says only "Invalid key in record"; the reason is nested.
    const reason = issue?.code === 'invalid_key' ? issue.issues[0]?.message : issue?.message;
    throw new ConfigError(`${file}: ${issue?.path.join('.') || '(root)'}: ${reason ?? 'invalid'}`);
  }
  // Keep the secret unreadable by others even if someone loosened it.
  await chmod(file, 0o600);
  return { config: parsed.data, unknownKeys: unknownKeys(HomeConfig, json) };
}

/**
 * Replaces the token in BOOCODE_HOME/config.json (`boocode token rotate`), keeping every other
 * setting as written; atomic, mode 0600.
 */
export async function storeHomeToken(home: string, token: string): Promise<void> {
  const file = path.join(home, 'config.json');
  const current = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const next = { ...current, token: ApiToken.parse(token) };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}
