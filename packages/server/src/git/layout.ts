import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CommitSha } from '@boocode/contracts';

/**
 * Where session worktrees live: `<home>/worktrees/<projectId>/<sessionId>`, with a sidecar
 * `<sessionId>.boocode.json` next to each. The sidecar is written *before* `git worktree add` so a
 * crash half-way leaves enough to finish (or reap) the worktree, and it keeps what git cannot: the base
 * commit, the files copied in from the project, and whether set-up completed.
 */

/** Ids become directory names: one plain segment, never `..`, a separator or a hidden name. */
const Segment = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[/\\\0]/.test(s) && !s.startsWith('.'), 'must be a single plain path segment');

export function worktreesRoot(home: string): string {
  return path.join(home, 'worktrees');
}

export function worktreePathFor(home: string, projectId: string, sessionId: string): string {
  return path.join(worktreesRoot(home), Segment.parse(projectId), Segment.parse(sessionId));
}

export const SIDECAR_SUFFIX = '.boocode.json';

export function sidecarPathFor(worktreePath: string): string {
  return `${worktreePath}${SIDECAR_SUFFIX}`;
}

export const WorktreeMeta = z.object({
  version: z.literal(1),
  session_id: z.string().min(1),
  project_id: z.string().min(1),
  /** Real path of the project's repository root. */
  project_path: z.string().min(1),
  worktree_path: z.string().min(1),
  branch: z.string().min(1),
  base_commit: CommitSha,
  /** Repository-relative paths copied in from the project: never part of the session's diff. */
  copied: z.array(z.string()),
  setup_done: z.boolean(),
  created_at: z.string(),
});
export type WorktreeMeta = z.infer<typeof WorktreeMeta>;

export async function readMeta(worktreePath: string): Promise<WorktreeMeta | null> {
  const file = sidecarPathFor(worktreePath);
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
  const parsed = WorktreeMeta.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Atomic replace, so a reader never sees half a file. */
export async function writeMeta(meta: WorktreeMeta): Promise<void> {
  const file = sidecarPathFor(meta.worktree_path);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(meta, null, 2) + '\n');
  await rename(tmp, file);
}

export async function removeMeta(worktreePath: string): Promise<void> {
  await rm(sidecarPathFor(worktreePath), { force: true });
}

/**
 * Files copied into `worktreePath` at creation, or none when it is not a session worktree (a
 * non-isolated session's project root may well have an unrelated `<name>.boocode.json` beside it).
 */
export async function copiedFiles(worktreePath: string): Promise<string[]> {
  try {
    const meta = await readMeta(worktreePath);
    return meta && meta.worktree_path === worktreePath ? meta.copied : [];
  } catch {
    return [];
  }
}
