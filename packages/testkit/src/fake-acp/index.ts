import { fileURLToPath } from 'node:url';

export { runFakeAcpAgent } from './agent.js';
export { runFakeAcpCli } from './cli.js';
export { FakeAcpScript, FakeAcpStep, FakeAcpTurn, type ParsedFakeAcpScript } from './script.js';

/** Path of the fake ACP agent's executable (`node <path> --script file.json`). */
export const fakeAcpBin: string = fileURLToPath(new URL('../../bin/fake-acp.js', import.meta.url));
