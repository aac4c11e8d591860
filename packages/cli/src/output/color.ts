import { clientEnv } from '../client-env.js';

/** Colours for one stream: on only for a terminal, and never with NO_COLOR set or TERM=dumb. */
export interface Paint {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  italic(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
}

const sgr = (on: number, off: number) => (s: string) => `\x1b[${on}m${s}\x1b[${off}m`;
const plain = (s: string) => s;

export function paintFor(stream: { isTTY?: boolean }): Paint {
  const env = clientEnv();
  const enabled = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  const c = (on: number, off: number) => (enabled ? sgr(on, off) : plain);
  return {
    enabled,
    bold: c(1, 22),
    dim: c(2, 22),
    italic: c(3, 23),
    red: c(31, 39),
    green: c(32, 39),
    yellow: c(33, 39),
    blue: c(34, 39),
    magenta: c(35, 39),
    cyan: c(36, 39),
  };
}
