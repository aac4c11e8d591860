import type { ApiClient } from '@boocode/client';
import type { ServerConnection } from '@boocode/client/node';
import type { Command } from 'commander';
import { clientEnv } from './client-env.js';
import { httpFetch } from './http-fetch.js';

/** How a client command finds the server: these flags, else BOOCODE_URL / BOOCODE_TOKEN, else BOOCODE_HOME. */
export interface ConnectionOptions {
  url?: string;
  token?: string;
  home?: string;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'server address (default $BOOCODE_URL, else the running server of the home)')
    .option('--token <token>', 'API token (default $BOOCODE_TOKEN, else config.json of the home)')
    .option('--home <dir>', 'BooCode home to find the server in (default $BOOCODE_HOME or ~/.boocode)');
}

/** A connected client: the typed API and where it points. */
export interface Connection {
  api: ApiClient;
  server: ServerConnection;
}

export async function connect(opts: ConnectionOptions): Promise<Connection> {
  // The client and the contracts (zod) are most of what a client command loads: loaded when it
  // connects, so that --help, --version, completion and usage errors start without them; and of the
  // contracts only the schemas of the routes it calls (the streams' are loaded by the commands that
  // follow one).
  const [{ ApiClient }, { findServer }] = await Promise.all([import('@boocode/client/http'), import('@boocode/client/node')]);
  const env = clientEnv();
  const server = await findServer({
    home: opts.home,
    env: { BOOCODE_HOME: env.BOOCODE_HOME, BOOCODE_URL: opts.url ?? env.BOOCODE_URL, BOOCODE_TOKEN: opts.token ?? env.BOOCODE_TOKEN },
  });
  return { server, api: new ApiClient({ baseUrl: server.baseUrl, token: server.token, fetch: httpFetch }) };
}
