import type { WorkflowRow } from '../../db/types.js';
import { CapacityReachedError, ConflictError, InvalidInputError, NotFoundError, AgentRuntimeUnavailableError } from '../../errors.js';
import { builder } from '../builder.js';
import { parseGlobalId, parseOptionalGlobalId } from '../global-id.js';
import { Agent } from './agent.js';
import { WorkflowPhaseEnum } from './enums.js';
import { Task } from './task.js';

export const Workflow = builder.objectRef<WorkflowRow>('Workflow').implement({
  description: "A manager-worker workflow: the manager's plan, the subtasks it created under the root task, and where it stands.",
  fields: (t) => ({
    rootTask: t.field({ type: Task, description: 'The task the workflow was started as; its result is the final answer.', resolve: (w) => w.id }),
    phase: t.expose('phase', { type: WorkflowPhaseEnum }),
    manager: t.field({ type: Agent, nullable: true, resolve: (w) => w.managerAgentId }),
    description: t.exposeString('description'),
    plan: t.field({ type: 'JSON', nullable: true, description: 'The accepted plan: summary and subtasks with keys and dependencies.', resolve: (w) => w.plan }),
    rejectedPlans: t.exposeInt('rejectedPlans', { description: 'Plans the manager gave that could not be used (one correction is asked for).' }),
    planErrors: t.stringList({ description: 'Why the last rejected plan could not be used.', resolve: (w) => (w.planErrors ? w.planErrors.split('\n') : []) }),
    maxWorkers: t.exposeInt('maxWorkers', { description: 'Workers the workflow may create when none is idle.' }),
    workerModel: t.exposeString('workerModel', { nullable: true }),
    subtaskMaxAttempts: t.exposeInt('subtaskMaxAttempts'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.objectField(Task, 'workflow', (t) =>
  t.loadable({
    type: Workflow,
    nullable: true,
    description: 'Set on the root task of a workflow.',
    load: (ids: string[], ctx) => ctx.services.workflows.loadWorkflows(ids),
    sort: (workflow) => workflow.id,
    resolve: (task) => task.id,
  }),
);

const StartWorkflowInput = builder.inputType('StartWorkflowInput', {
  fields: (t) => ({
    sessionId: t.id({ required: true }),
    description: t.string({ required: true, description: 'The work, as a person would describe it to the manager.' }),
    title: t.string({ description: 'The root task\'s title; defaults to the first line of the description.' }),
    managerAgentId: t.id({ description: 'The manager to plan it; defaults to an idle manager of the session, else a new one.' }),
    maxWorkers: t.int({ description: 'Workers to create on demand when none is idle (1 to 100; default WORKFLOW_MAX_WORKERS).' }),
    workerModel: t.string({ description: 'Model of the workers (and of the manager) created for the workflow.' }),
    subtaskMaxAttempts: t.int({ description: 'Attempts per subtask for retryable failures (1 to 10, default 3).' }),
    maxBudgetUsd: t.float({ description: 'Spend allowed for the whole workflow (USD).' }),
    priority: t.int(),
  }),
});

builder.mutationField('startWorkflow', (t) =>
  t.field({
    type: Task,
    description: "Starts a manager-worker workflow; returns its root task (see Task.workflow and Task.subtasks).",
    args: { input: t.arg({ type: StartWorkflowInput, required: true }) },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError, CapacityReachedError, AgentRuntimeUnavailableError],
      union: { name: 'StartWorkflowResult' },
      result: { name: 'StartWorkflowSuccess' },
      dataField: { name: 'task' },
    },
    resolve: (_root, { input }, ctx) =>
      ctx.services.workflows.startWorkflow({
        sessionId: parseGlobalId(String(input.sessionId), 'Session', 'sessionId'),
        description: input.description,
        title: input.title ?? undefined,
        managerAgentId: parseOptionalGlobalId(input.managerAgentId?.toString(), 'Agent', 'managerAgentId'),
        maxWorkers: input.maxWorkers ?? undefined,
        workerModel: input.workerModel ?? undefined,
        subtaskMaxAttempts: input.subtaskMaxAttempts ?? undefined,
        maxBudgetUsd: input.maxBudgetUsd ?? undefined,
        priority: input.priority ?? undefined,
      }),
  }),
);
