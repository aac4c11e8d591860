import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { openCodeTestHome, type OpenCodeTestHome } from './opencode-home.js';
import { removeScratch, scratchDir } from './scratch.js';

/**
 * The real Paseo daemon and CLI from the offline test fixture (a build of Paseo kept next to the
 * repository, not part of it), started with an isolated home on a free loopback port and pointed
 * at the real opencode and the fake LLM.
 */
export interface RealPaseo {
  /** The fixture's `paseo` CLI. */
  bin: string;
  /** `host:port` of the daemon. */
  host: string;
  /** The daemon's PASEO_HOME (its log is `daemon.log` there). */
  home: string;
  /** The opencode home the daemon's opencode runs in. */
  opencode: OpenCodeTestHome;
  stop(): Promise<void>;
}

const Installed = z.object({ paseo: z.string() });
const Started = z.object({
  host: z.string(),
  home: z.string(),
  stop: z.custom<() => Promise<void>>((v) => typeof v === 'function'),
});

/**
 * Where the fixture is: `BOOCODE_PASEO_FIXTURE`, else a `shared/fixtures/paseo` in a directory
 * above this repository. Null when neither exists.
 */
export function paseoFixtureDir(): string | null {
  const fromEnv = process.env.BOOCODE_PASEO_FIXTURE;
  if (fromEnv) return existsSync(join(fromEnv, 'install.mjs')) ? resolve(fromEnv) : null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures', 'paseo');
    if (existsSync(join(candidate, 'install.mjs'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** This repository's `opencode` (the opencode-ai dependency). */
function openCodeBinDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bin = join(dir, 'node_modules', '.bin');
    if (existsSync(join(bin, 'opencode'))) return bin;
    const up = dirname(dir);
    if (up === dir) throw new Error('opencode not found in node_modules/.bin: run npm install');
    dir = up;
  }
}

export async function startRealPaseo(llmUrl: string): Promise<RealPaseo> {
  const fixture = paseoFixtureDir();
  if (!fixture) throw new Error('the Paseo test fixture was not found: set BOOCODE_PASEO_FIXTURE to its directory (shared/fixtures/paseo)');
  const root = scratchDir('boocode-paseo-');
  const install = (await import(pathToFileURL(join(fixture, 'install.mjs')).href)) as { installPaseo: (dest: string) => unknown };
  const daemon = (await import(pathToFileURL(join(fixture, 'start-daemon.mjs')).href)) as {
    startPaseoDaemon: (o: { paseo: string; home: string; env: NodeJS.ProcessEnv }) => Promise<unknown>;
  };
  const { paseo } = Installed.parse(await install.installPaseo(join(root, 'paseo')));
  const opencode = openCodeTestHome(llmUrl, 'boocode-paseo-oc-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opencode.env,
    PATH: `${openCodeBinDir()}:${process.env.PATH ?? ''}`,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(opencode.config),
  };
  const started = Started.parse(await daemon.startPaseoDaemon({ paseo, home: join(root, 'home'), env }));
  return {
    bin: paseo,
    host: started.host,
    home: started.home,
    opencode,
    async stop() {
      await started.stop();
      opencode.cleanup();
      removeScratch(root);
    },
  };
}
