import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InputPart } from '@boocode/contracts';
import { usageError } from '../exit-codes.js';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** `--image` files as the image parts of a message (base64, MIME type from the file name). */
export async function readImages(files: readonly string[]): Promise<Extract<InputPart, { type: 'image' }>[]> {
  return Promise.all(
    files.map(async (file) => {
      const mime = MIME[path.extname(file).toLowerCase()];
      if (!mime) throw usageError(`--image ${file}: not a .png, .jpg, .jpeg, .gif or .webp file`);
      const data = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        throw usageError(`--image ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      return { type: 'image' as const, mime_type: mime, data: data.toString('base64') };
    }),
  );
}

/** Collects a repeatable option's values (commander's argument parser). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The prompt argument; `-` reads it from stdin. */
export async function promptText(arg: string): Promise<string> {
  if (arg !== '-') return arg;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
