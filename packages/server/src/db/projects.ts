import type { Project } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { toProject, type ProjectRow } from './rows.js';

export async function insertProject(sql: Sql, p: { name: string; path: string }): Promise<Project | null> {
  const rows = await sql<ProjectRow[]>`
    INSERT INTO projects (name, path) VALUES (${p.name}, ${p.path})
    ON CONFLICT (path) DO NOTHING RETURNING *`;
  return rows[0] ? toProject(rows[0]) : null;
}

export async function findProjectByPath(sql: Sql, path: string): Promise<Project | null> {
  const rows = await sql<ProjectRow[]>`SELECT * FROM projects WHERE path = ${path}`;
  return rows[0] ? toProject(rows[0]) : null;
}

export async function listProjects(sql: Sql): Promise<Project[]> {
  return (await sql<ProjectRow[]>`SELECT * FROM projects ORDER BY created_at, id`).map(toProject);
}

export async function getProject(sql: Sql, id: string): Promise<Project | null> {
  const rows = await sql<ProjectRow[]>`SELECT * FROM projects WHERE id = ${id}`;
  return rows[0] ? toProject(rows[0]) : null;
}

export async function deleteProject(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM projects WHERE id = ${id} RETURNING id`;
  return rows.length > 0;
}
