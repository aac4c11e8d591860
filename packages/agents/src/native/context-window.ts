/**
 * Context windows (tokens) of common models, by id prefix; the longest matching prefix wins, so
 * dated ids (`claude-sonnet-4-5-20250929`) and provider-prefixed ids (`deepseek/deepseek-chat`)
 * find their family. `contextWindow` in the native settings overrides it; unknown models get
 * DEFAULT_CONTEXT_WINDOW, small enough to be safe on most hosted and local models.
 */
const KNOWN: Record<string, number> = {
  'deepseek-chat': 128_000,
  'deepseek-reasoner': 128_000,
  'deepseek-coder': 128_000,
  'gpt-5': 400_000,
  'gpt-4.1': 1_047_576,
  'gpt-4o': 128_000,
  'gpt-4-turbo': 128_000,
  'gpt-4': 8_192,
  'gpt-3.5-turbo': 16_385,
  o1: 200_000,
  o3: 200_000,
  'o4-mini': 200_000,
  'claude-': 200_000,
  'qwen3-coder': 262_144,
  'kimi-k2': 131_072,
  'glm-4.6': 200_000,
};

export const DEFAULT_CONTEXT_WINDOW = 32_768;

export function contextWindowOf(modelId: string, configured: number | undefined): number {
  if (configured) return configured;
  const id = modelId.toLowerCase().split('/').pop() ?? '';
  let best: string | null = null;
  for (const key of Object.keys(KNOWN)) {
    if (id.startsWith(key) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? DEFAULT_CONTEXT_WINDOW : KNOWN[best]!;
}
