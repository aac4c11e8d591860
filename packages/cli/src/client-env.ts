import type { ClientEnv } from '@boocode/client/node';

/** The CLI's one read of the environment for client commands: where the server is and its token. */
export const clientEnv = (): ClientEnv => ({
  BOOCODE_HOME: process.env.BOOCODE_HOME,
  BOOCODE_URL: process.env.BOOCODE_URL,
  BOOCODE_TOKEN: process.env.BOOCODE_TOKEN,
});
