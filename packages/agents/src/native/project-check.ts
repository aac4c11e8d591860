import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProjectConfig } from '@boocode/contracts';

/**
 * Finds the command of the check-after-write loop: `.boocode/config.json` `check`, else the
 * package.json `typecheck` (preferred: faster, no output files) or `build` script, run with the
 * package manager its lockfile names.
 */

export type LoadedProjectConfig = { config: ProjectConfig; error: string | null };

export async function loadProjectConfig(root: string): Promise<LoadedProjectConfig> {
  const file = path.join(root, '.boocode', 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { config: {}, error: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { config: {}, error: `.boocode/config.json is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = ProjectConfig.safeParse(json);
  if (!parsed.success) return { config: {}, error: `.boocode/config.json: ${z.prettifyError(parsed.error)}` };
  return { config: parsed.data, error: null };
}

const PackageJson = z.looseObject({ scripts: z.record(z.string(), z.string()).optional() });

export function detectPackageManager(root: string): string {
  if (existsSync(path.join(root, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(path.join(root, 'yarn.lock'))) return 'yarn';
  if (existsSync(path.join(root, 'bun.lock')) || existsSync(path.join(root, 'bun.lockb'))) return 'bun';
  return 'npm';
}

export async function resolveCheckCommand(root: string, config: ProjectConfig): Promise<string[] | null> {
  if (config.check) return config.check;
  let pkg: z.infer<typeof PackageJson>;
  try {
    const parsed = PackageJson.safeParse(JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')));
    if (!parsed.success) return null;
    pkg = parsed.data;
  } catch {
    return null;
  }
  const script = ['typecheck', 'build'].find((s) => pkg.scripts?.[s]);
  return script ? [detectPackageManager(root), 'run', script] : null;
}
