import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ErrorBody } from '@boocode/contracts';
import { loadClientConfig } from '@boocode/server';

const ServerFile = z.object({ url: z.string(), pid: z.number() });

export interface Client {
  baseUrl: string;
  request<T>(method: string, urlPath: string, body?: unknown): Promise<T>;
}

/** Finds the running server (BOOCODE_URL, else BOOCODE_HOME/server.json) and its token. */
export async function connectClient(homeOpt?: string): Promise<Client> {
  const { home, token, url } = await loadClientConfig({ home: homeOpt });
  let baseUrl = url;
  if (!baseUrl) {
    const raw = await readFile(path.join(home, 'server.json'), 'utf8').catch(() => null);
    if (raw === null) throw new Error(`no running server found for ${home}: start one with \`boocode serve\` or set BOOCODE_URL`);
    baseUrl = ServerFile.parse(JSON.parse(raw)).url;
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
