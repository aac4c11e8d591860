import type { SearchHit } from '@boocode/contracts';
import type { PaletteCommand } from '../shell/commands';

/** Search hits as palette entries: a message hit opens its chat at the message, a name hit the session. */
export function hitCommands(hits: readonly SearchHit[], open: (hit: SearchHit) => void): PaletteCommand[] {
  return hits.map((h) => ({
    id: `hit:${h.message_id ?? h.session_id}`,
    label: h.message_id ? `${h.role === 'user' ? 'You' : 'Agent'}: ${h.snippet.map((p) => p.text).join('')}` : `Session ${h.session_name}`,
    hint: h.session_name,
    snippet: h.snippet,
    run: () => open(h),
  }));
}
