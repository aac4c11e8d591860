import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built-in workflows (deep-research, multi-review, plan-verify, bounty-hunt): plain workflow
 * files in `builtin/`, found from src/ and dist/ alike.
 */
export const BUILTIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../builtin');
