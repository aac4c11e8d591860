import { z } from 'zod';

/**
 * The data directory BOOCODE_HOME: `--home` if given, else the environment's BOOCODE_HOME, else
 * `.boocode` in the user's home directory. The server and the CLI's client commands agree on it.
 */
export const homeDirectory = (explicit: string | undefined, envHome: string | undefined, userHome: string): string =>
  explicit ?? envHome ?? `${userHome}/.boocode`;

/** The bearer token of the API and WebSockets, kept in BOOCODE_HOME/config.json. */
export const ApiToken = z.string().min(32);

/** What a client reads of BOOCODE_HOME/config.json; the server's settings there are its own. */
export const HomeClientConfig = z.object({ token: ApiToken });
export type HomeClientConfig = z.infer<typeof HomeClientConfig>;

/**
 * BOOCODE_HOME/server.json: written by a running `boocode serve` (mode 0600), removed when it stops.
 * `bus` and `database_port` tell a `boocode worker` on the same home whether and how it can join.
 */
export const ServerInfo = z.object({
  url: z.url(),
  pid: z.number().int().positive(),
  /** How its frames travel: only `postgres` lets the turns of other processes reach its clients. */
  bus: z.enum(['in-process', 'postgres']).optional(),
  /** Port of its embedded database; null when it uses DATABASE_URL. */
  database_port: z.number().int().positive().nullable().optional(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;
