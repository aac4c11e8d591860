import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ApiClient } from '@boocode/client';
import type { Project } from '@boocode/contracts';
import { CliError, ExitCode, notFoundError } from './exit-codes.js';

/** A path as the server stores project paths: absolute, symlinks resolved (when it exists here). */
export async function localPath(p: string): Promise<string> {
  const abs = path.resolve(p);
  return realpath(abs).catch(() => abs);
}

const within = (dir: string, p: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/**
 * The project named by `text`: its id or a unique start of it, its name, or a path inside it
 * (`.` is the current directory's project).
 */
export async function findProject(api: ApiClient, text: string): Promise<Project> {
  const { items } = await api.call('listProjects');
  const byId = items.filter((p) => p.id.startsWith(text.toLowerCase()));
  if (byId.length === 1 && text.replace(/-/g, '').length >= 4) return byId[0]!;
  const byName = items.filter((p) => p.name === text);
  if (byName.length === 1) return byName[0]!;
  // Only what is written as a path, or exists as one here, is taken as a path.
  if (text.includes('/') || text.startsWith('.') || existsSync(text)) {
    const here = await localPath(text);
    const byPath = items.filter((p) => within(p.path, here)).sort((a, b) => b.path.length - a.path.length);
    if (byPath.length) return byPath[0]!;
  }
  if (byId.length > 1 || byName.length > 1) {
    const list = [...byId, ...byName].map((p) => `  ${p.id}  ${p.name}  ${p.path}`).join('\n');
    throw new CliError(ExitCode.Usage, `${text} names several projects (give more of the id):\n${list}`);
  }
  throw notFoundError(`no project ${text} (an id, a name or a path inside one; see boocode project ls)`);
}

/** `--project`, else the project holding the current directory. */
export async function projectOrCurrent(api: ApiClient, text: string | undefined): Promise<Project> {
  if (text !== undefined) return findProject(api, text);
  try {
    return await findProject(api, '.');
  } catch (err) {
    if (err instanceof CliError && err.exitCode === ExitCode.NotFound) {
      throw notFoundError(`${process.cwd()} is in no project: add it with \`boocode project add\`, or give --project`);
    }
    throw err;
  }
}
