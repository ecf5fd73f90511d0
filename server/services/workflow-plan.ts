import { z } from 'zod';

/** Most subtasks one plan may create. */
export const MAX_PLAN_SUBTASKS = 20;

const subtaskSchema = z.object({
  key: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(40, 'must be at most 40 characters')
    .regex(/^[A-Za-z0-9][\w-]*$/, 'may contain letters, digits, "_" and "-"'),
  title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  instructions: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
  role: z
    .string()
    .transform((role) => role.toUpperCase())
    .pipe(z.literal('WORKER', { error: 'must be "WORKER": subtasks run on worker agents' }))
    .default('WORKER'),
  dependsOn: z.array(z.string()).max(MAX_PLAN_SUBTASKS).default([]),
});

const planSchema = z.object({
  plan: z.object({
    summary: z.string().trim().max(2_000, 'must be at most 2000 characters').default(''),
    subtasks: z
      .array(subtaskSchema)
      .min(1, 'must list at least one subtask')
      .max(MAX_PLAN_SUBTASKS, `must list at most ${MAX_PLAN_SUBTASKS} subtasks`),
  }),
});

export type Plan = z.output<typeof planSchema>['plan'];
export type PlannedSubtask = Plan['subtasks'][number];

export type PlanParse = { ok: true; plan: Plan } | { ok: false; errors: string[] };

/**
 * Reads the manager's plan from its answer: the last fenced JSON block holding `{"plan": ...}`,
 * checked against the delegation protocol. The errors are written for the manager to fix.
 */
export function parsePlan(answer: string): PlanParse {
  const blocks = [...answer.matchAll(/```(?:json)?[^\S\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length === 0) return { ok: false, errors: ['the answer has no fenced ```json block'] };
  let lastError = '';
  for (const block of blocks.reverse()) {
    let value: unknown;
    try {
      value = JSON.parse(block);
    } catch (error) {
      lastError = `the JSON block does not parse: ${(error as Error).message}`;
      continue;
    }
    if (typeof value !== 'object' || value === null || !('plan' in value)) {
      lastError = 'the JSON block has no "plan" object';
      continue;
    }
    const parsed = planSchema.safeParse(value);
    if (!parsed.success) {
      return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
    }
    const errors = graphErrors(parsed.data.plan.subtasks);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, plan: parsed.data.plan };
  }
  return { ok: false, errors: [lastError] };
}

/** Duplicate keys, dependencies on unknown keys or on the subtask itself, and cycles. */
function graphErrors(subtasks: readonly PlannedSubtask[]): string[] {
  const errors: string[] = [];
  const keys = new Set<string>();
  for (const [index, subtask] of subtasks.entries()) {
    if (keys.has(subtask.key)) errors.push(`plan.subtasks.${index}.key: "${subtask.key}" is used twice`);
    keys.add(subtask.key);
  }
  for (const [index, subtask] of subtasks.entries()) {
    for (const key of subtask.dependsOn) {
      if (key === subtask.key) errors.push(`plan.subtasks.${index}.dependsOn: "${key}" depends on itself`);
      else if (!keys.has(key)) errors.push(`plan.subtasks.${index}.dependsOn: "${key}" is not the key of a subtask`);
    }
  }
  if (errors.length > 0) return errors;
  const cycle = findCycle(subtasks);
  return cycle ? [`plan.subtasks: the dependencies form a cycle: ${cycle.join(' -> ')}`] : [];
}

function findCycle(subtasks: readonly PlannedSubtask[]): string[] | undefined {
  const edges = new Map(subtasks.map((s) => [s.key, s.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'visiting') return [...path.slice(path.indexOf(key)), key];
    state.set(key, 'visiting');
    path.push(key);
    for (const next of edges.get(key) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const key of edges.keys()) {
    const cycle = visit(key);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The subtasks in an order where each comes after everything it depends on. */
export function inDependencyOrder(subtasks: readonly PlannedSubtask[]): PlannedSubtask[] {
  const ordered: PlannedSubtask[] = [];
  const placed = new Set<string>();
  while (ordered.length < subtasks.length) {
    for (const subtask of subtasks) {
      if (!placed.has(subtask.key) && subtask.dependsOn.every((key) => placed.has(key))) {
        ordered.push(subtask);
        placed.add(subtask.key);
      }
    }
  }
  return ordered;
}
