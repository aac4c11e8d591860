import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAgents, resolveOpenCodeBinary, which } from '../../src/discovery/index.js';

/**
 * Where an agent's command is found (docs/decisions.md, "Where agents are found"), with real
 * directories and executable scripts: config path, then BooCode's own dependency, then PATH, and
 * never a node_modules/.bin of the directory BooCode runs in.
 */

let dir: string;
/** A project with a dev dependency's copy of the agents in its node_modules/.bin; BooCode runs in a folder of it. */
let project: string;
let onPath: string;

/** A script answering `--version` with `version`, which also leaves `marker` behind when run. */
function script(file: string, version: string, marker?: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${marker ? `touch '${marker}'\n` : ''}echo ${version}\n`, { mode: 0o755 });
}

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-lookup-')));
  project = join(dir, 'project');
  onPath = join(dir, 'bin');
  script(join(project, 'node_modules', '.bin', 'tool'), '6.6.6', join(dir, 'ran-project-tool'));
  script(join(project, 'node_modules', '.bin', 'opencode'), '6.6.6', join(dir, 'ran-project-opencode'));
  script(join(project, 'node_modules', '.bin', 'claude-agent-acp'), '6.6.6', join(dir, 'ran-project-claude'));
  script(join(onPath, 'tool'), '1.0.0');
  script(join(dir, 'tools', 'tool'), '2.0.0');
  mkdirSync(join(project, 'src'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const tool = (command: string) => ({ tool: { command, args: [], env: {}, kind: 'paseo' as const } });

describe('where agents are found', () => {
  it("takes the user's PATH over a copy in a node_modules/.bin above the working directory", async () => {
    const [info] = await discoverAgents({ baseEnv: process.env, cwd: join(project, 'src'), path: onPath, agents: [], custom: tool('tool') });
    expect(info).toMatchObject({ install_path: join(onPath, 'tool'), version: '1.0.0' });
    expect(existsSync(join(dir, 'ran-project-tool'))).toBe(false);
  });

  it('takes a path named in config.json over PATH', async () => {
    const [info] = await discoverAgents({ baseEnv: process.env, cwd: project, path: onPath, agents: [], custom: tool(join(dir, 'tools', 'tool')) });
    expect(info).toMatchObject({ install_path: join(dir, 'tools', 'tool'), version: '2.0.0' });
  });

  it('never runs a binary the repository it works in ships, even when nothing else is installed', async () => {
    const [claude] = await discoverAgents({
      baseEnv: process.env,
      cwd: project,
      path: join(dir, 'empty'),
      agents: [{ name: 'claude', label: 'Claude Code (ACP)', kind: 'acp', command: 'claude-agent-acp', args: [] }],
    });
    expect(claude).toMatchObject({ available: false, install_path: null, error: 'claude-agent-acp not found in PATH' });
    expect(existsSync(join(dir, 'ran-project-claude'))).toBe(false);
  });

  it("finds BooCode's own opencode with an empty PATH, not the project's", async () => {
    const found = await resolveOpenCodeBinary('');
    expect(found).toMatch(/opencode-ai\//);
    expect(found?.startsWith(project)).toBe(false);
  });

  it('skips relative PATH entries, which mean whatever directory BooCode runs in', async () => {
    expect(await which('tool', { path: relative(process.cwd(), onPath) })).toBeNull();
    expect(await which('tool', { path: `:.:${relative(process.cwd(), onPath)}:${onPath}` })).toBe(join(onPath, 'tool'));
  });
});
