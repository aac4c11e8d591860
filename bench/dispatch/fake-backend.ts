import { emptyUsage, type AgentBackend, type AgentSessionHandle, type EnsureSessionOpts, type PromptInput, type SessionKey, type TurnResult } from '@boocode/contracts';

/** An agent that answers at once and reports when prompt() was reached, for dispatch timing. */
export class InstantBackend implements AgentBackend {
  readonly kind = 'native' as const;
  constructor(private readonly onPrompt: (text: string) => void) {}
  async ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle> {
    return { key, backend: 'native', root: opts.root, model: opts.model, resumeToken: null };
  }
  async prompt(_h: AgentSessionHandle, input: PromptInput): Promise<TurnResult> {
    const first = input.parts[0];
    this.onPrompt(first?.type === 'text' ? first.text : '');
    return { ok: true, stop_reason: 'end_turn', usage: emptyUsage() };
  }
  async cancel(): Promise<void> {}
  async closeSession(): Promise<void> {}
  async dispose(): Promise<void> {}
  async health() {
    return { status: 'up' as const };
  }
}
