import { z } from 'zod';
import type { RouteDef } from './def.js';

/** An image's identity: the SHA-256 of its bytes, lowercase hex. */
export const ImageHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex');

export const ImageParams = z.object({ sha256: ImageHash });

/**
 * One image of a user message (its `metadata.images`): the bytes are stored once by hash and
 * served by `getImage`, never repeated in messages or tasks.
 */
export const MessageImage = z.object({ sha256: ImageHash, mime_type: z.string().regex(/^image\//) });
export type MessageImage = z.infer<typeof MessageImage>;
export const MessageImageList = z.array(MessageImage);

export const imageRoutes = {
  getImage: {
    method: 'GET',
    path: '/api/images/:sha256',
    summary: "An image's bytes, by the SHA-256 a message names; cacheable for ever (the hash is its content)",
    tag: 'messages',
    params: ImageParams,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
