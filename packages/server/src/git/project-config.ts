import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProjectConfig } from '@boocode/contracts';
import { GitDomainError } from './errors.js';

export const PROJECT_CONFIG_FILE = path.join('.boocode', 'config.json');

/** `['setup', 0, 1]` → `setup[0][1]`: the way the user would point at the key in their JSON. */
export function formatConfigKey(keyPath: readonly PropertyKey[]): string {
  let out = '';
  for (const k of keyPath) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out || '(root)';
}

/**
 * Validates an already-parsed config. A bad config is a `GitDomainError('invalid_project_config')`
 * whose message names the key, e.g. `.boocode/config.json: setup[0]: expected array of strings`.
 */
export function parseProjectConfig(json: unknown): ProjectConfig {
  const parsed = ProjectConfig.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = formatConfigKey(issue?.path ?? []);
  throw new GitDomainError('invalid_project_config', `${PROJECT_CONFIG_FILE}: ${key}: ${issue?.message ?? 'invalid'}`, {
    key,
  });
}

/** Reads the project's optional `.boocode/config.json`; a missing file is an empty config. */
export async function loadProjectConfig(projectPath: string): Promise<ProjectConfig> {
  let raw: string;
  try {
    raw = await readFile(path.join(projectPath, PROJECT_CONFIG_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new GitDomainError(
      'invalid_project_config',
      `${PROJECT_CONFIG_FILE} is not valid JSON: ${(err as Error).message}`,
      { key: '(root)' },
    );
  }
  return parseProjectConfig(json);
}
