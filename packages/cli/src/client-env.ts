import type { ClientEnv } from '@boocode/client/node';

/** What the CLI reads of its environment besides where the server is: the terminal's colour conventions. */
export interface CliEnv extends ClientEnv {
  /** Any non-empty value turns colours off (no-color.org). */
  NO_COLOR?: string | undefined;
  TERM?: string | undefined;
}

/** The CLI's one read of the environment: the server, its token and the home (flags win over them), and colours. */
export const clientEnv = (): CliEnv => ({
  BOOCODE_HOME: process.env.BOOCODE_HOME,
  BOOCODE_URL: process.env.BOOCODE_URL,
  BOOCODE_TOKEN: process.env.BOOCODE_TOKEN,
  NO_COLOR: process.env.NO_COLOR,
  TERM: process.env.TERM,
});
