import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * BOOCODE_HOME/server.json, written by a running `boocode serve`: where clients find it, and what
 * a `boocode worker` on the same home needs to join it.
 */
export const ServerFile = z.object({
  url: z.string(),
  pid: z.number().int(),
  /** How its frames travel; only `postgres` lets other processes' turns reach its clients. */
  bus: z.enum(['in-process', 'postgres']).optional(),
  /** Port of its embedded database; null when it uses DATABASE_URL. */
  database_port: z.number().int().nullable().optional(),
});
export type ServerFile = z.infer<typeof ServerFile>;

const fileOf = (home: string) => path.join(home, 'server.json');

/** The file's content, or null when no server wrote one. A malformed file is an error naming it. */
export async function readServerFile(home: string): Promise<ServerFile | null> {
  const raw = await readFile(fileOf(home), 'utf8').catch(() => null);
  if (raw === null) return null;
  const parsed = ServerFile.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${fileOf(home)} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export async function writeServerFile(home: string, data: ServerFile): Promise<() => Promise<void>> {
  await writeFile(fileOf(home), JSON.stringify(data) + '\n', { mode: 0o600 });
  return () => rm(fileOf(home), { force: true });
}
