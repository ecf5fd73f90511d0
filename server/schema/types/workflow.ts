import type { WorkflowRow } from '../../db/types.js';
import { CapacityReachedError, ConflictError, InvalidInputError, NotFoundError, AgentRuntimeUnavailableError } from '../../errors.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { requireVisibleAgents, visibleSessionId } from '../session-guard.js';
import { Agent } from './agent.js';
import { WorkflowPhaseEnum } from './enums.js';
import { Task } from './task.js';

export const Workflow = builder.objectRef<WorkflowRow>('Workflow').implement({
  description: "A manager-worker workflow: the manager's plan, the subtasks it created under the root task, and where it stands.",
  fields: (t) => ({
    rootTask: t.field({ type: Task, description: 'The task the workflow was started as; its result is the final answer.', resolve: (w) => w.id }),
    phase: t.expose('phase', { type: WorkflowPhaseEnum, description: 'Where the workflow stands.' }),
    manager: t.field({
      type: Agent,
      nullable: true,
      description: 'The manager agent that plans it and writes the answer; null only if it was never set.',
      resolve: (w) => w.managerAgentId,
    }),
    description: t.exposeString('description', { description: 'The work, as it was described to startWorkflow.' }),
    plan: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The accepted plan: { summary, subtasks: [{ key, title, instructions, role, dependsOn }] }; null until the manager gives a usable one.',
      resolve: (w) => w.plan,
    }),
    rejectedPlans: t.exposeInt('rejectedPlans', { description: 'Plans the manager gave that could not be used (one correction is asked for).' }),
    planErrors: t.stringList({
      description: 'Why the last rejected plan could not be used; empty when none was rejected.',
      resolve: (w) => (w.planErrors ? w.planErrors.split('\n') : []),
    }),
    maxWorkers: t.exposeInt('maxWorkers', { description: 'Workers the workflow may create when none is idle.' }),
    workerModel: t.exposeString('workerModel', {
      nullable: true,
      description: "Model of the agents created for the workflow; null = the CLI's default.",
    }),
    subtaskMaxAttempts: t.exposeInt('subtaskMaxAttempts', { description: 'Attempts each subtask gets for retryable failures.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the workflow started.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the workflow last changed.' }),
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
  description: 'A new manager-worker workflow.',
  fields: (t) => ({
    sessionId: t.id({ required: true, description: 'The session to run it in (global id).' }),
    description: t.string({
      required: true,
      description: 'The work, as a person would describe it to the manager: 1 to 100000 characters (trimmed).',
    }),
    title: t.string({ description: "The root task's title, 1 to 500 characters; defaults to the first line of the description." }),
    managerAgentId: t.id({ description: 'The manager to plan it; defaults to an idle manager of the session, else a new one.' }),
    maxWorkers: t.int({ description: 'Workers to create on demand when none is idle (1 to 100; default WORKFLOW_MAX_WORKERS).' }),
    workerModel: t.string({
      description: "Model of the workers (and of the manager) created for the workflow, as CLAUDE_ALLOWED_MODELS permits; the CLI's default when absent.",
    }),
    subtaskMaxAttempts: t.int({ description: 'Attempts per subtask for retryable failures (1 to 10, default 3).' }),
    maxBudgetUsd: t.float({
      description: 'Spend allowed for the whole workflow in USD, above 0 and up to 10000; reaching it fails it with BUDGET_EXCEEDED. No limit when absent.',
    }),
    priority: t.int({ description: 'Priority of the root task (and so of the planning), -1000 to 1000, default 0.' }),
  }),
});

builder.mutationField('startWorkflow', (t) =>
  t.field({
    type: Task,
    description:
      'Starts a manager-worker workflow; returns its root task (see Task.workflow and Task.subtasks). Follow it with taskEvents on ' +
      'the root, and taskUpdated(parentTaskId:) for the subtasks. InvalidInputError: a bad field, or managerAgentId is not a manager ' +
      'of the session; NotFoundError: no such session or manager; CapacityReachedError or AgentRuntimeUnavailableError: a manager ' +
      'had to be created and could not be.',
    args: { input: t.arg({ type: StartWorkflowInput, required: true, description: 'The workflow to start.' }) },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError, CapacityReachedError, AgentRuntimeUnavailableError],
      union: { name: 'StartWorkflowResult', description: 'The root task of the started workflow, or why it was not started.' },
      result: { name: 'StartWorkflowSuccess', description: 'The workflow was started.' },
      dataField: { name: 'task', description: 'The root task, given to the manager; its result will be the final answer.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const sessionId = await visibleSessionId(ctx, String(input.sessionId), 'sessionId');
      const managerAgentId = parseOptionalGlobalId(input.managerAgentId?.toString(), 'Agent', 'managerAgentId');
      await requireVisibleAgents(ctx, 'managerAgentId', managerAgentId);
      return ctx.services.workflows.startWorkflow({
        sessionId,
        description: input.description,
        title: input.title ?? undefined,
        managerAgentId,
        maxWorkers: input.maxWorkers ?? undefined,
        workerModel: input.workerModel ?? undefined,
        subtaskMaxAttempts: input.subtaskMaxAttempts ?? undefined,
        maxBudgetUsd: input.maxBudgetUsd ?? undefined,
        priority: input.priority ?? undefined,
      });
    },
  }),
);
