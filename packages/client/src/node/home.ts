import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { ApiToken, HomeClientConfig, homeDirectory, ServerInfo } from '@boocode/contracts/home';

/** Where a client finds the server and the token it sends. */
export interface ServerConnection {
  home: string;
  baseUrl: string;
  token: string;
}

/** The settings a client reads from its environment; the caller passes them in. */
export interface ClientEnv {
  BOOCODE_HOME?: string | undefined;
  BOOCODE_URL?: string | undefined;
  BOOCODE_TOKEN?: string | undefined;
}

/** A file of the home, validated; null when it does not exist. */
async function readHomeFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S> | null> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The home's server.json (written by a running `boocode serve`), or null when there is none. */
export const readServerInfo = (home: string): Promise<ServerInfo | null> => readHomeFile(path.join(home, 'server.json'), ServerInfo);

/**
 * Finds the running server of a BOOCODE_HOME and its token: BOOCODE_URL, else the home's
 * server.json (written by `boocode serve`); BOOCODE_TOKEN, else the home's config.json.
 * Only reads: a client never creates a home or a token.
 */
export async function findServer(opts: { home?: string | undefined; env: ClientEnv }): Promise<ServerConnection> {
  const home = path.resolve(homeDirectory(opts.home, opts.env.BOOCODE_HOME, homedir()));
  let token = opts.env.BOOCODE_TOKEN;
  if (token === undefined) {
    const config = await readHomeFile(path.join(home, 'config.json'), HomeClientConfig);
    if (!config) throw new Error(`no BooCode home at ${home} (no config.json): start a server with \`boocode serve\`, pass --home, or set BOOCODE_TOKEN`);
    token = config.token;
  } else if (!ApiToken.safeParse(token).success) {
    throw new Error('BOOCODE_TOKEN: must be the API token from config.json (at least 32 characters)');
  }
  let baseUrl = opts.env.BOOCODE_URL;
  if (baseUrl === undefined) {
    const info = await readServerInfo(home);
    if (!info) throw new Error(`no running server found for ${home}: start one with \`boocode serve\` or set BOOCODE_URL`);
    baseUrl = info.url;
  } else if (!ServerInfo.shape.url.safeParse(baseUrl).success) {
    throw new Error(`BOOCODE_URL: ${baseUrl} is not a URL`);
  }
  return { home, baseUrl: baseUrl.replace(/\/$/, ''), token };
}
