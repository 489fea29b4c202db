// The targets a benchmark reports against: "wasmpi's figure at this size, relative to the
// baseline's, is at most (or at least) this factor".

import { formatBytes, formatRatio } from "./format.js";
import type { Implementation } from "./implementations.js";
import { ratio, type Summary } from "./samples.js";

export interface Goal {
  readonly test: string;
  readonly bytes: number;
  /** "<=" for lower-is-better metrics, ">=" for higher-is-better ones. */
  readonly relation: "<=" | ">=";
  readonly factor: number;
}

export interface GoalResult {
  readonly goal: Goal;
  readonly ratio: number | null;
  /** null when there was no figure to judge. */
  readonly holds: boolean | null;
  readonly line: string;
}

export function judgeGoals(
  goals: readonly Goal[],
  summaries: readonly Summary[],
  subject: Implementation,
  baseline: Implementation,
): GoalResult[] {
  return goals.map((goal) => {
    const summary = summaries.find((s) => s.test === goal.test && s.bytes === goal.bytes);
    const value = summary === undefined ? null : ratio(summary, subject.id, baseline.id);
    const holds =
      value === null ? null : goal.relation === "<=" ? value <= goal.factor : value >= goal.factor;
    const verdict =
      holds === null ? "no figure" : `${formatRatio(value)}  ${holds ? "holds" : "misses"}`;
    const line = `goal ${goal.test} ${formatBytes(goal.bytes)} ${goal.relation} ${goal.factor.toFixed(1)}x ${baseline.label}: ${verdict}`;
    return { goal, ratio: value, holds, line };
  });
}
