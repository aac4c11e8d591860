import { z } from 'zod';

/**
 * Optional per-project `.boocode/config.json`. Commands are argument arrays (run with execFile, no
 * shell) so a config file cannot smuggle in shell syntax.
 */
export const ProjectConfig = z.object({
  /** Command that checks the project after the agent writes files, e.g. `["npx", "tsc", "--noEmit"]`. */
  check: z.array(z.string().min(1)).min(1).optional(),
  /** Run the check after steps that wrote files and feed failures back to the agent. Default true. */
  check_after_write: z.boolean().optional(),
});
export type ProjectConfig = z.infer<typeof ProjectConfig>;
