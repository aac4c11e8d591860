import { constants } from 'node:fs';
import { access, readFile, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

const BinField = z.object({ bin: z.union([z.string(), z.record(z.string(), z.string())]) });

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds `command`: a path containing a slash is taken as is, a bare name is looked up in PATH.
 * Only absolute PATH entries count: an empty or relative one (`.`, `node_modules/.bin`) means
 * whatever directory BooCode happens to run in, which may be a repository an agent works on.
 * Returns the real path of the executable, or null.
 */
export async function which(command: string, opts: { path: string }): Promise<string | null> {
  if (command.includes('/')) {
    const abs = isAbsolute(command) ? command : resolve(command);
    return (await isExecutable(abs)) ? realpath(abs) : null;
  }
  for (const dir of opts.path.split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    if (await isExecutable(candidate)) return realpath(candidate);
  }
  return null;
}

/**
 * The executable `bin` entry `name` of an npm package BooCode itself depends on, resolved from
 * BooCode's own install (never from a working directory), or null.
 */
export async function packageBin(pkg: string, name: string): Promise<string | null> {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    return null;
  }
  const parsed = BinField.safeParse(JSON.parse(await readFile(pkgJson, 'utf8')));
  if (!parsed.success) return null;
  const rel = typeof parsed.data.bin === 'string' ? parsed.data.bin : parsed.data.bin[name];
  if (!rel) return null;
  const bin = join(dirname(pkgJson), rel);
  return (await isExecutable(bin)) ? bin : null;
}

/** Commands BooCode ships itself, as a dependency: found there first, so even with an empty PATH. */
const BUNDLED: Readonly<Record<string, { pkg: string; bin: string }>> = {
  opencode: { pkg: 'opencode-ai', bin: 'opencode' },
};

/**
 * Where an agent's command runs from, in the order of docs/decisions.md ("Where agents are
 * found"): a path named in config.json as is; else BooCode's own dependency of that name (not
 * for a custom agent, which the user named); else PATH. No node_modules/.bin is searched.
 */
export async function locateCommand(command: string, opts: { path: string; custom?: boolean }): Promise<string | null> {
  const bundled = command.includes('/') || opts.custom ? undefined : BUNDLED[command];
  return (bundled ? await packageBin(bundled.pkg, bundled.bin) : null) ?? which(command, opts);
}

/** The opencode binary: BooCode's own `opencode-ai` dependency when installed, else `opencode` on `path` (a PATH value). */
export function resolveOpenCodeBinary(path: string): Promise<string | null> {
  return locateCommand('opencode', { path });
}
