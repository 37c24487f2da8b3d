// The options of `npm run -s simulate`, in one table that the parser, `--help` and
// docs/configuration.md (`npm run docs:config`) read.
import {
  MODEL_KINDS,
  SPEND_CEILING_RANGE,
  VIOLATION_BUDGET_RANGE,
  boundedInteger,
  boundedNumber,
} from "../../contracts/index.ts";
import { DEFAULT_TUNING } from "../policy/types.ts";
import { DEFAULT_SIMULATE_OPTIONS, REPLAY_POLICIES } from "../sim/simulate.ts";

/** The numeric options: flag -> [option path, schema, meaning with its default]. */
export const SIMULATE_FLAGS = {
  "rps-per-replica": [
    "rpsPerReplica",
    boundedNumber(1e-9, 1e12),
    "load one replica carries at 100 % (default: the trace's 95th percentile / 10)",
  ],
  "boot-seconds": [
    "bootSeconds",
    boundedInteger(0, 86_400),
    `from a scale-out to the replicas serving (default ${DEFAULT_SIMULATE_OPTIONS.bootSeconds})`,
  ],
  "target-utilization": [
    "targetUtilization",
    boundedNumber(0.05, 1),
    `the SLO's target, and the HPA's and the AWS-style baseline's (default ${DEFAULT_SIMULATE_OPTIONS.targetUtilization})`,
  ],
  "min-replicas": [
    "minReplicas",
    boundedInteger(0, 1_000_000),
    `fewest replicas (default ${DEFAULT_SIMULATE_OPTIONS.minReplicas})`,
  ],
  "max-replicas": [
    "maxReplicas",
    boundedInteger(1, 1_000_000),
    `most replicas (default ${DEFAULT_SIMULATE_OPTIONS.maxReplicas})`,
  ],
  "lead-seconds": [
    "leadSeconds",
    boundedInteger(0, 86_400),
    "how far ahead the predictive policy acts (default: boot + 60)",
  ],
  "cooldown-seconds": [
    "cooldownSeconds",
    boundedInteger(0, 86_400),
    `the predictive policy's scale-in cooldown (default ${DEFAULT_SIMULATE_OPTIONS.cooldownSeconds})`,
  ],
  "interval-seconds": [
    "intervalSeconds",
    boundedInteger(1, 3600),
    `the predictive policy's evaluation interval (default ${DEFAULT_SIMULATE_OPTIONS.intervalSeconds})`,
  ],
  "tick-seconds": [
    "tickSeconds",
    boundedInteger(1, 3600),
    `replay resolution (default ${DEFAULT_SIMULATE_OPTIONS.tickSeconds})`,
  ],
  "violation-utilization": [
    "violationUtilization",
    boundedNumber(0.05, 10),
    "utilisation above which a moment violates the SLO (default: the target)",
  ],
  "train-fraction": [
    "trainFraction",
    boundedNumber(0.05, 0.95),
    `share of the trace the models train on (default ${DEFAULT_SIMULATE_OPTIONS.trainFraction})`,
  ],
  "violation-budget": [
    "violationBudget",
    boundedNumber(VIOLATION_BUDGET_RANGE.min, VIOLATION_BUDGET_RANGE.max),
    `the SLO's trade-off as a violation budget: share of time the origin may run above its target; 0 sizes at a fixed quantile (default ${DEFAULT_TUNING.violationBudget})`,
  ],
  "spend-ceiling": [
    "spendCeiling",
    boundedNumber(SPEND_CEILING_RANGE.min, SPEND_CEILING_RANGE.max),
    "the SLO's trade-off as a spend ceiling instead: replica-minutes paid per replica-minute the load needs at the target",
  ],
  "lstm-epochs": ["lstmEpochs", boundedInteger(1, 10_000), "LSTM training epochs (default: the predictor's)"],
  seed: [
    "seed",
    boundedInteger(0, 2 ** 31),
    `randomness of the model training (default ${DEFAULT_SIMULATE_OPTIONS.seed})`,
  ],
} as const;

/** The other options, as `--help` shows them: [flag and its value, meaning]. */
const OTHER_OPTIONS: readonly (readonly [string, string])[] = [
  ["--csv FILE", "the trace (timestamp,value CSV)"],
  ["--policy NAME", REPLAY_POLICIES.join(", ")],
  [
    "--frontier",
    "instead of --policy: the predictive policy read against the reactive and the AWS-style baselines replayed at targets 0.7 to 0.3, one JSON object",
  ],
  ["--json", "one JSON object with the documented keys"],
  ["--column NAME", "the CSV column to read (default: the first value column)"],
  [
    "--models KINDS",
    `model kinds to train for predictive and aws-predictive, comma-separated (default: all of ${MODEL_KINDS.join(", ")})`,
  ],
  [
    "--events FILE",
    "scheduled events the predictive policy is told of: a JSON list of { id, start, end, expectedRps, note? } in the trace's time",
  ],
];

/** Every option of `npm run -s simulate` with what it means: [flag and its value, meaning]. */
export function simulateHelpRows(): (readonly [string, string])[] {
  return [
    ...OTHER_OPTIONS,
    ...Object.entries(SIMULATE_FLAGS).map(([flag, [, , meaning]]) => [`--${flag} N`, meaning] as const),
  ];
}
