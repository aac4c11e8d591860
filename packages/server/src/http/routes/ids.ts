import { IdKind } from '@boocode/contracts';
import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { resolveIds } from '../../db/ids.js';

export function idHandlers(ctx: AppContext): Handlers<'resolveIds'> {
  return {
    resolveIds: async ({ query }) => ({ items: await resolveIds(ctx.sql, query.prefix, query.kinds ?? IdKind.options) }),
  };
}
