import { describe, expect, it } from 'vitest';
import { ErrorBody, routes, type RouteName } from '@boocode/contracts';
import { loadErrorBody, loadRoute } from '@boocode/contracts/route-loader';

describe('loadRoute', () => {
  it('finds every route of the route table in its group, the same definition', async () => {
    for (const name of Object.keys(routes) as RouteName[]) expect(await loadRoute(name), name).toBe(routes[name]);
  });

  it('refuses a name the table does not have', async () => {
    await expect(loadRoute('noSuchRoute' as RouteName)).rejects.toThrow();
  });

  it('loads the error body schema', async () => {
    expect(await loadErrorBody()).toBe(ErrorBody);
  });
});
