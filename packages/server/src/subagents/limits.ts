/** How many background subagents a turn may have, and how deep they may nest. */
export interface SubagentLimits {
  /** Children of one parent pending or running at once. */
  running: number;
  /** Deepest a child may be: 1 is a child of a session's own turn. */
  depth: number;
  /** Children one parent may spawn in all. */
  perTurn: number;
}
