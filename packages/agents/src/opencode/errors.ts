import type { StopReason, TurnErrorCode } from '@boocode/contracts';
import type { MessageError } from './wire.js';

export interface MappedError {
  stop: StopReason;
  code: TurnErrorCode | null;
  message: string;
}

/** Maps opencode's named session/message errors onto BooCode's stop reasons and error codes. */
export function mapOpenCodeError(err: MessageError): MappedError {
  const message = err.data?.message ?? err.name;
  switch (err.name) {
    case 'MessageAbortedError':
      return { stop: 'cancelled', code: null, message };
    case 'MessageOutputLengthError':
      return { stop: 'max_tokens', code: 'provider_error', message: 'the model hit its output token limit' };
    case 'ContentFilterError':
      return { stop: 'refusal', code: 'provider_error', message };
    case 'APIError': {
      const status = err.data?.statusCode;
      if (status === 429) return { stop: 'error', code: 'rate_limited', message };
      return { stop: 'error', code: 'provider_error', message: status ? `${message} (HTTP ${status})` : message };
    }
    case 'ProviderAuthError':
    case 'ContextOverflowError':
    case 'StructuredOutputError':
      return { stop: 'error', code: 'provider_error', message };
    default:
      return { stop: 'error', code: 'agent_error', message: `${err.name}: ${message}` };
  }
}
