import { NativeBackend, type NativeAgentConfigInput, type NativeBackendOptions } from '@boocode/agents';
import type { AgentEvent, AgentSessionHandle, PromptInput, TurnResult } from '@boocode/contracts';
import { afterEach, beforeEach } from 'vitest';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeRepo, type TempRepo } from '../tools/repo.js';

/** Drives one native turn against the fake LLM and collects its events. */

export interface TurnRun {
  result: TurnResult;
  events: AgentEvent[];
  backend: NativeBackend;
  handle: AgentSessionHandle;
}

/** A fresh fake LLM and temporary repository for each test of the calling file. */
export function useLlmAndRepo(): { llm: FakeLlm; repo: TempRepo } {
  const env = {} as { llm: FakeLlm; repo: TempRepo };
  beforeEach(async () => {
    env.llm = await startFakeLlm();
    env.repo = await makeRepo();
  });
  afterEach(async () => {
    await env.llm.close();
    await env.repo.cleanup();
  });
  return env;
}

export const text = (events: AgentEvent[]): string =>
  events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
export const reasoning = (events: AgentEvent[]): string =>
  events.flatMap((e) => (e.type === 'reasoning' ? [e.text] : [])).join('');
export const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T) =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

export async function openSession(
  llm: FakeLlm,
  root: string,
  config: Partial<NativeAgentConfigInput> = {},
  backendOpts: Partial<NativeBackendOptions> = {},
): Promise<{ backend: NativeBackend; handle: AgentSessionHandle }> {
  const backend = new NativeBackend({
    defaults: { baseURL: llm.url, apiKey: 'test-key', model: 'fake-model', maxRetries: 0 },
    // The live environment, so a test that sets a variable is seen by the turn.
    baseEnv: process.env,
    ...backendOpts,
  });
  const handle = await backend.ensureSession(
    { chatId: 'chat-1', agent: 'native' },
    { sessionId: 's1', projectId: 'p1', root, model: null, resumeToken: null, config },
  );
  return { backend, handle };
}

export async function runTurn(
  llm: FakeLlm,
  root: string,
  input: PromptInput | string = 'hello',
  config: Partial<NativeAgentConfigInput> = {},
  signal: AbortSignal = new AbortController().signal,
): Promise<TurnRun> {
  const { backend, handle } = await openSession(llm, root, config);
  const events: AgentEvent[] = [];
  const prompt: PromptInput = typeof input === 'string' ? { parts: [{ type: 'text', text: input }] } : input;
  const result = await backend.prompt(handle, prompt, { signal, onEvent: (e) => events.push(e) });
  return { result, events, backend, handle };
}
