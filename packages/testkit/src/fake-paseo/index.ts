import { fileURLToPath } from 'node:url';

export { FAKE_PASEO_VERSION, runFakePaseoCli } from './cli.js';
export { FakePaseoReply, FakePaseoScript, type FakePaseoAgent, type FakePaseoState } from './state.js';

/** The fake `paseo` executable; its directory can go first in PATH. */
export const fakePaseoBin: string = fileURLToPath(new URL('../../bin/paseo', import.meta.url));
