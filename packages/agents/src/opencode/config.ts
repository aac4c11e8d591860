import type { PermissionPolicy } from '@boocode/contracts';
import { externalAgentEnv, type Env } from '../external/env.js';

/** opencode's config document (opencode.json), as passed through OPENCODE_CONFIG_CONTENT. */
export type OpenCodeConfig = Record<string, unknown>;

/**
 * Permissions opencode must ask BooCode about rather than decide itself, so BooCode's
 * per-session policy (ask / allow edits / allow all) is the one place that answers.
 */
export const DEFAULT_PERMISSIONS = {
  edit: 'ask',
  bash: 'ask',
  webfetch: 'ask',
  external_directory: 'ask',
} as const;

/** One rule of an opencode session's permission ruleset (the last matching rule wins). */
export interface PermissionRule {
  permission: string;
  pattern: string;
  action: 'allow' | 'ask' | 'deny';
}

/**
 * The session's policy as the opencode session's own permission rules, so opencode itself does
 * not ask where the policy would allow anyway: under `allow_edits` an edit raises no request at
 * all while a command still does, under `allow_all` nothing does. Rules given to the session come
 * after the config's and the agent's, so they win.
 */
export function policyRules(policy: PermissionPolicy): PermissionRule[] {
  const action = (allowed: boolean): PermissionRule['action'] => (allowed ? 'allow' : 'ask');
  const edits = policy !== 'ask';
  const all = policy === 'allow_all';
  return [
    { permission: 'edit', pattern: '*', action: action(edits) },
    { permission: 'bash', pattern: '*', action: action(all) },
    { permission: 'webfetch', pattern: '*', action: action(all) },
    { permission: 'external_directory', pattern: '*', action: action(all) },
  ];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; `over` wins, arrays and scalars are replaced. */
export function mergeConfig(base: OpenCodeConfig, over: OpenCodeConfig): OpenCodeConfig {
  const out: OpenCodeConfig = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? mergeConfig(prev, v) : v;
  }
  return out;
}

export interface ServerEnvOptions {
  /** The server's environment; DATABASE_URL and BOOCODE_* are left out of it. */
  baseEnv: Env;
  /** Added on top (HOME and XDG_* dirs for isolation, provider API keys, ...). */
  env?: Record<string, string | undefined>;
  config?: OpenCodeConfig;
  /** Do not fetch the models.dev catalog (use the snapshot bundled in the binary). */
  offline?: boolean;
}

export function serverEnv(opts: ServerEnvOptions): NodeJS.ProcessEnv {
  const env = externalAgentEnv(opts.baseEnv, opts.env);
  // A server driven by BooCode must not replace its own binary mid-session.
  env.OPENCODE_DISABLE_AUTOUPDATE = '1';
  if (opts.offline) env.OPENCODE_DISABLE_MODELS_FETCH = '1';
  // opencode's `question` tool waits for an answer only its own UIs can give; BooCode talks to
  // the user through permissions and turns, so the tool is off unless the config turns it on.
  const config = mergeConfig({ permission: { ...DEFAULT_PERMISSIONS }, tools: { question: false } }, opts.config ?? {});
  env.OPENCODE_CONFIG_CONTENT = JSON.stringify(config);
  return env;
}

export interface ModelRef {
  providerID: string;
  modelID: string;
}

/**
 * `provider/model` as opencode wants it. A bare model id gets `defaultProvider`. Only the first
 * slash separates the provider, so `openrouter/anthropic/claude-x` keeps its nested model id.
 * No model means opencode's own default (null); a bare id with no default provider is an error.
 */
export function parseModel(model: string | null, defaultProvider: string | null): ModelRef | null {
  const m = model?.trim();
  if (!m) return null;
  const slash = m.indexOf('/');
  if (slash > 0 && slash < m.length - 1) return { providerID: m.slice(0, slash), modelID: m.slice(slash + 1) };
  if (!defaultProvider) {
    throw new Error(`model "${m}" has no provider prefix and no default provider is configured`);
  }
  return { providerID: defaultProvider, modelID: m.replace(/^\//, '') };
}
