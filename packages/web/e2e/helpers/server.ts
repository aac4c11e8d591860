import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { removeScratch, scratchDir } from '@boocode/testkit';
import { createTestDatabase, spawnServe, type ServeProcess } from '@boocode/testkit/server';
import type { Page } from 'playwright-core';
import { ensureWebBuilt } from './web-build';

export interface RunningBoocode {
  url: string;
  /** One-time login URL printed by `serve`. */
  loginUrl: string;
  home: string;
  process: ServeProcess;
  /** The API as a script would call it, with the home's token; throws on any non-2xx answer. */
  api<T>(method: string, url: string, body?: unknown): Promise<T>;
  /** Stops the server and starts it again on the same port, home and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago: the restarted server must come back where the page looks. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export interface BoocodeOptions {
  env?: Record<string, string>;
  /** Custom agents for BOOCODE_HOME/config.json: `{name: {command, args, env, kind}}`. */
  agents?: Record<string, { command: string; args: string[]; env?: Record<string, string>; kind?: 'acp' }>;
  /** Native agent settings for config.json (a small `contextWindow`, say). */
  native?: Record<string, unknown>;
  /** ACP settings for config.json (a short `silenceMs`, say). */
  acp?: Record<string, unknown>;
}

/**
 * A real `boocode serve` child process on a temporary BOOCODE_HOME and a throwaway database,
 * serving the built web UI.
 */
export async function startBoocode({ env = {}, agents, native, acp }: BoocodeOptions = {}): Promise<RunningBoocode> {
  ensureWebBuilt();
  const home = scratchDir('boocode-e2e-');
  if (agents || native || acp) {
    // The server creates config.json on first start; written here first, it carries the agents and settings.
    const config = { token: randomBytes(32).toString('base64url'), pg_password: randomBytes(24).toString('base64url'), ...(agents ? { agents } : {}), ...(acp ? { acp } : {}), native: native ?? {} };
    await writeFile(path.join(home, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  }
  const databaseUrl = await createTestDatabase();
  const args = ['--port', String(await freePort()), '--home', home];
  const childEnv = { DATABASE_URL: databaseUrl, ...env };
  const running: RunningBoocode = {
    ...(await spawnServe(args, childEnv).then((p) => ({ url: p.url, loginUrl: p.loginUrl, process: p }))),
    home,
    api: async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const { token } = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as { token: string };
      const res = await fetch(running.url + url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    restart: async () => {
      await running.process.stop();
      running.process = await spawnServe(args, childEnv);
    },
    stop: async () => {
      await running.process.stop();
      removeScratch(home);
    },
  };
  return running;
}

/** Opens the login link in the page: the server sets the cookie and redirects to the app. */
export async function logIn(page: Page, server: RunningBoocode): Promise<void> {
  await page.goto(server.loginUrl);
  await page.waitForURL(`${server.url}/`);
}
