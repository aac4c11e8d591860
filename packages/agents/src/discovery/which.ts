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
 * Finds `command` the way a shell would: a path containing a slash is taken as is, anything else
 * is looked up in `extraDirs` first (e.g. node_modules/.bin) and then in PATH. Returns the real
 * path of the executable, or null.
 */
export async function which(
  command: string,
  opts: { extraDirs?: string[]; path: string },
): Promise<string | null> {
  if (command.includes('/')) {
    const abs = isAbsolute(command) ? command : resolve(command);
    return (await isExecutable(abs)) ? realpath(abs) : null;
  }
  const dirs = [...(opts.extraDirs ?? []), ...opts.path.split(delimiter)];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (await isExecutable(candidate)) return realpath(candidate);
  }
  return null;
}

/** `node_modules/.bin` directories from `start` up to the file system root. */
export function nodeModulesBins(start: string): string[] {
  const out: string[] = [];
  let dir = resolve(start);
  for (;;) {
    out.push(join(dir, 'node_modules', '.bin'));
    const parent = dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

/** The executable `bin` entry `name` of an npm package resolvable from here, or null. */
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

/**
 * The opencode binary: BooCode's own `opencode-ai` dependency when installed (its postinstall
 * puts the native binary behind the package's `bin`), else node_modules/.bin above `cwd`, else `path` (a PATH value).
 */
export async function resolveOpenCodeBinary(path: string, cwd = process.cwd()): Promise<string | null> {
  return (await packageBin('opencode-ai', 'opencode')) ?? which('opencode', { extraDirs: nodeModulesBins(cwd), path });
}
