import type { AppContext } from '../context.js';
import type { Handlers } from '../route.js';
import { notFound } from '../../errors.js';
import { readImages } from '../../db/images.js';

/** Types served as they are; anything else is sent as bytes, so a crafted "image" never renders as a page. */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function imageHandlers(ctx: AppContext): Handlers<'getImage'> {
  return {
    getImage: async ({ params }, req, reply) => {
      // The hash is the content: the ETag never changes and a cached copy never goes stale.
      const etag = `"${params.sha256}"`;
      const headers = {
        etag,
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      };
      const [image] = await readImages(ctx.sql, [params.sha256]);
      if (!image) throw notFound('image', params.sha256);
      if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        reply.code(304).headers(headers).send();
        return;
      }
      reply
        .code(200)
        .headers({ ...headers, 'content-type': RASTER.has(image.mime_type) ? image.mime_type : 'application/octet-stream' })
        .send(image.data);
    },
  };
}
