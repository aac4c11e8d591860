import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { DomainError } from '../../errors.js';
import { hasSearchTerms, search } from '../../db/search.js';

export function searchHandlers(ctx: AppContext): Handlers<'search'> {
  return {
    search: async ({ query }) => {
      if (!(await hasSearchTerms(ctx.sql, query.q))) {
        throw new DomainError('invalid_request', 'q: has no words to search for (only punctuation, exclusions or very common words)');
      }
      return { items: await search(ctx.sql, query) };
    },
  };
}
