import { SearchQuery, SearchResults } from '../search.js';
import type { RouteDef } from './def.js';

export const searchRoutes = {
  search: {
    method: 'GET',
    path: '/api/search',
    summary: 'Full-text search over session names and message text, newest first, each hit with a highlighted snippet',
    tag: 'sessions',
    query: SearchQuery,
    response: SearchResults,
    status: 200,
    // A query that is empty, too long, or has no word left to search for.
    errors: ['invalid_request'],
  },
} as const satisfies Record<string, RouteDef>;
