import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from '@boocode/testkit';
import { createTestDatabase, spawnServe, type ServeProcess } from '@boocode/testkit/server';

/** What `boocode serve` says at start-up about its config.json. */

const running: ServeProcess[] = [];
afterAll(() => Promise.all(running.map((p) => p.stop())));

describe('boocode serve with a config.json key that is not a setting', () => {
  it('starts, and says in its banner and its log which key is ignored and what was meant', async () => {
    const home = scratchDir('boocode-unknown-key-');
    const secret = () => randomBytes(32).toString('base64url');
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ token: secret(), pg_password: secret(), native: { compatAt: 0.5 } }), { mode: 0o600 });
    // An external database: only the start-up output is under test, not the embedded cluster.
    const serve = await spawnServe(['--port', '0', '--home', home], { DATABASE_URL: await createTestDatabase() });
    running.push(serve);
    const sentence = 'config.json: native.compatAt is not a setting (did you mean native.compactAt?); it is ignored';
    expect(serve.stdout()).toContain(`\n  ${sentence}\n`);
    // Not a terminal: the log is JSON lines, the warning among them with the key it names.
    const warnings = serve
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; setting?: string; suggestion?: string });
    expect(warnings).toContainEqual(expect.objectContaining({ level: 40, msg: sentence, setting: 'native.compatAt', suggestion: 'native.compactAt' }));
  });
});
