import { describe, expect, it } from 'vitest';
import { AgentBackendKind } from '@boocode/contracts';
import { BACKENDS, CustomAgentConfig, DEFAULT_AGENTS, backendDefinition, builtinAgents } from '../../src/index.js';

/** The backend registry: one definition per kind, read by discovery, config parsing and the factory. */

describe('backend registry', () => {
  it('has exactly one definition for every backend kind on the wire', () => {
    expect(BACKENDS.map((b) => b.kind).sort()).toEqual([...AgentBackendKind.options].sort());
    for (const kind of AgentBackendKind.options) expect(backendDefinition(kind).kind).toBe(kind);
  });

  it("builds the default agent list from the discovered backends' own lists, names unique", () => {
    const names = DEFAULT_AGENTS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['opencode', 'opencode-acp', 'qwen', 'gemini', 'claude', 'codex', 'paseo']);
    for (const a of DEFAULT_AGENTS) expect(backendDefinition(a.kind).discover?.agents).toContainEqual(a);
  });

  it('lets a custom agent have only a kind that is started by command', () => {
    expect(CustomAgentConfig.parse({ command: 'x' }).kind).toBe('acp');
    for (const kind of ['acp', 'opencode_server', 'paseo']) expect(CustomAgentConfig.safeParse({ command: 'x', kind }).success).toBe(true);
    const native = CustomAgentConfig.safeParse({ command: 'x', kind: 'native' });
    expect(native.success).toBe(false);
    expect(native.error?.issues[0]?.path).toEqual(['kind']);
  });

  it('lists the built-in native agent, usable only with a provider', () => {
    const [off] = builtinAgents({}, '1.0.0');
    expect(off).toMatchObject({ name: 'native', kind: 'native', available: false, capabilities: backendDefinition('native').capabilities });
    expect(off?.error).toContain('BOOCODE_NATIVE_BASE_URL');
    const [on] = builtinAgents({ native: { baseURL: 'http://127.0.0.1:9/v1', model: 'm' } }, '1.0.0');
    expect(on).toMatchObject({ available: true, error: null, models: [{ id: 'm' }], version: '1.0.0' });
  });

  it('maps each env var onto the settings it overrides, and rejects a bad value under its name', () => {
    const oc = backendDefinition('opencode_server').env!;
    const vars = oc.schema.parse({ BOOCODE_OPENCODE_CONFIG: '{"model":"a/b"}', BOOCODE_OPENCODE_OFFLINE: '1' });
    expect(oc.toSettings(vars)).toEqual({ config: { model: 'a/b' }, offline: true });
    expect(oc.toSettings(oc.schema.parse({}))).toEqual({});
    for (const [name, value, message] of [
      ['BOOCODE_OPENCODE_CONFIG', '{nope', /not valid JSON/],
      ['BOOCODE_OPENCODE_CONFIG', '[1]', /must be a JSON object/],
      ['BOOCODE_OPENCODE_OFFLINE', 'true', /must be 0 or 1/],
    ] as const) {
      const r = oc.schema.safeParse({ [name]: value });
      expect(r.error?.issues[0]?.path).toEqual([name]);
      expect(r.error?.issues[0]?.message).toMatch(message);
    }
    expect(backendDefinition('native').env!.schema.safeParse({ BOOCODE_NATIVE_BASE_URL: 'not a url' }).success).toBe(false);
  });
});
