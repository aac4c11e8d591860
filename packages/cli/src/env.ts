import { z } from 'zod';

/**
 * The environment as the CLI reads it, parsed once here: the connection settings (`--url`,
 * `--token` and `--home` win over them) and the terminal's colour conventions.
 */
const CliEnvSchema = z.object({
  BOOCODE_URL: z.string().optional(),
  BOOCODE_TOKEN: z.string().optional(),
  BOOCODE_HOME: z.string().optional(),
  /** Any non-empty value turns colours off (no-color.org). */
  NO_COLOR: z.string().optional(),
  TERM: z.string().optional(),
});
export type CliEnv = z.infer<typeof CliEnvSchema>;

export const cliEnv: CliEnv = CliEnvSchema.parse(process.env);
