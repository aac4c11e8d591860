import { createHash } from 'node:crypto';
import type { InputPart, MessageImage } from '@boocode/contracts';
import { insertImages, readImages } from '../db/images.js';
import type { Sql } from '../db/connection.js';
import { DomainError } from '../errors.js';
import type { TaskPart } from './parts.js';

/**
 * Stores the images of a posted message by the SHA-256 of their bytes and returns what the
 * message keeps of them. Data that is not canonical base64 is refused, naming the part, rather
 * than stored as whatever a lenient decoder makes of it.
 */
export async function storeImages(sql: Sql, parts: readonly Extract<InputPart, { type: 'image' }>[]): Promise<MessageImage[]> {
  const stored = parts.map((p, i) => {
    const data = Buffer.from(p.data, 'base64');
    if (data.length === 0 || data.toString('base64') !== p.data) {
      throw new DomainError('invalid_request', `images.${i}.data: is not base64`);
    }
    return { sha256: createHash('sha256').update(data).digest('hex'), mime_type: p.mime_type, data };
  });
  await insertImages(sql, stored);
  return stored.map(({ sha256, mime_type }) => ({ sha256, mime_type }));
}

/** A task's parts as its agent takes them: stored images read back as base64 image parts. */
export async function resolveParts(sql: Sql, parts: readonly TaskPart[]): Promise<InputPart[]> {
  const hashes = [...new Set(parts.flatMap((p) => (p.type === 'stored_image' ? [p.sha256] : [])))];
  if (hashes.length === 0) return parts.filter((p): p is InputPart => p.type !== 'stored_image');
  const byHash = new Map((await readImages(sql, hashes)).map((i) => [i.sha256, i]));
  return parts.map((p) => {
    if (p.type !== 'stored_image') return p;
    const image = byHash.get(p.sha256);
    if (!image) throw new Error(`image ${p.sha256} is not stored`);
    return { type: 'image', mime_type: p.mime_type, data: image.data.toString('base64') };
  });
}
