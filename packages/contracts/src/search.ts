import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { MessageRole } from './rest.js';

/** The longest search a client may send: a sentence, not a document. */
export const SEARCH_QUERY_MAX = 200;

export const SearchQuery = z.object({
  /** Words as a person types them: "quoted phrases", `or`, and `-excluded` words work. */
  q: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(SEARCH_QUERY_MAX, `must be at most ${SEARCH_QUERY_MAX} characters`)
    // Control characters (a NUL above all) have no place in a search and PostgreSQL refuses NUL.
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  project_id: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** A piece of a snippet: `match` marks the words the search found. */
export const SnippetPart = z.object({ text: z.string(), match: z.boolean() });
export type SnippetPart = z.infer<typeof SnippetPart>;

/** A session whose name matched, or a message (with its chat) whose text did. */
export const SearchHit = z.object({
  session_id: Id,
  session_name: z.string(),
  project_id: Id,
  chat_id: Id.nullable(),
  message_id: Id.nullable(),
  role: MessageRole.nullable(),
  /** When the message started, or the session's last activity for a name hit. */
  at: Timestamp,
  snippet: z.array(SnippetPart),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResults = z.object({ items: z.array(SearchHit) });
export type SearchResults = z.infer<typeof SearchResults>;
