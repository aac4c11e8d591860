import type { Sql } from './connection.js';

export interface StoredImage {
  sha256: string;
  mime_type: string;
  data: Buffer;
}

/** Stores images by hash; one already stored is left as it is (same hash, same bytes). */
export async function insertImages(sql: Sql, images: readonly StoredImage[]): Promise<void> {
  if (images.length === 0) return;
  const rows = images.map((i) => ({ sha256: i.sha256, mime_type: i.mime_type, size: i.data.length, data: i.data }));
  await sql`INSERT INTO images ${sql(rows, 'sha256', 'mime_type', 'size', 'data')} ON CONFLICT (sha256) DO NOTHING`;
}

/** The images of these hashes that are stored (any order). */
export async function readImages(sql: Sql, hashes: readonly string[]): Promise<StoredImage[]> {
  if (hashes.length === 0) return [];
  return sql<StoredImage[]>`SELECT sha256, mime_type, data FROM images WHERE sha256 IN ${sql(hashes)}`;
}
