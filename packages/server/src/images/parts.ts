import { ImageHash, ImagePart, TextPart, type MessageImage } from '@boocode/contracts';
import { z } from 'zod';

/** An image in a task's input: its hash only; the bytes are read from the images table when the turn starts. */
export const StoredImagePart = z.object({ type: z.literal('stored_image'), sha256: ImageHash, mime_type: z.string() });
export type StoredImagePart = z.infer<typeof StoredImagePart>;

/** A part of a task's input as stored; inline images are what tasks stored before images had a table. */
export const TaskPart = z.discriminatedUnion('type', [TextPart, ImagePart, StoredImagePart]);
export type TaskPart = z.infer<typeof TaskPart>;

export const storedPart = (i: MessageImage): StoredImagePart => ({ type: 'stored_image', sha256: i.sha256, mime_type: i.mime_type });
