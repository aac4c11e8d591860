// The test programs run from the TypeScript sources through tsx (a dev dependency of the
// repository), so they never lag behind an edit the way a stale build would.
import { register } from 'tsx/esm/api';

register();

/** Imports `src/<rel>` of the testkit. */
export const loadSource = (rel) => import(new URL(`../src/${rel}`, import.meta.url).href);

/** Reports a failure of a test program on stderr with exit code 2. */
export function fail(err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
}
