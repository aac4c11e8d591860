import { ErrorBody } from '@boocode/contracts';
import { loadHomeConfig, resolveHome } from '@boocode/server';
import { readServerFile } from './server-file.js';

export interface Client {
  baseUrl: string;
  request<T>(method: string, urlPath: string, body?: unknown): Promise<T>;
}

/** Finds the running server (BOOCODE_URL, else BOOCODE_HOME/server.json) and its token. */
export async function connectClient(homeOpt?: string): Promise<Client> {
  const home = resolveHome(homeOpt);
  const token = process.env.BOOCODE_TOKEN ?? (await loadHomeConfig(home)).token;
  let baseUrl = process.env.BOOCODE_URL;
  if (!baseUrl) {
    const running = await readServerFile(home);
    if (running === null) throw new Error(`no running server found for ${home}: start one with \`boocode serve\` or set BOOCODE_URL`);
    baseUrl = running.url;
  }
  const root = baseUrl.replace(/\/$/, '');
  return {
    baseUrl: root,
    async request<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(root + urlPath, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        throw new Error(`cannot reach the server at ${root}: ${(err as Error).message}`);
      }
      const text = await res.text();
      const json: unknown = text ? JSON.parse(text) : undefined;
      if (!res.ok) {
        const e = ErrorBody.safeParse(json);
        throw new Error(e.success ? `${e.data.error}: ${e.data.message}` : `HTTP ${res.status}`);
      }
      return json as T;
    },
  };
}
