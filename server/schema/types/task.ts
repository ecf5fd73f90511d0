import type { TaskRow } from '../../db/types.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { filtered } from '../filtered.js';
import { parseGlobalId, parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Agent } from './agent.js';
import { AgentRoleEnum, TaskErrorTypeEnum, TaskStatusEnum } from './enums.js';
import { Session } from './session.js';

const TaskError = builder.objectRef<{ type: NonNullable<TaskRow['errorType']>; message: string }>('TaskError').implement({
  description: 'Why a task failed (or why its last attempt was cut short).',
  fields: (t) => ({
    type: t.expose('type', { type: TaskErrorTypeEnum }),
    message: t.exposeString('message'),
  }),
});

const TokenUsage = builder.objectRef<TaskRow>('TokenUsage').implement({
  description: 'Tokens spent on a task over all its attempts, subagents included.',
  fields: (t) => ({
    inputTokens: t.float({ resolve: (task) => Number(task.inputTokens) }),
    outputTokens: t.float({ resolve: (task) => Number(task.outputTokens) }),
    cacheReadTokens: t.float({ resolve: (task) => Number(task.cacheReadTokens) }),
    cacheCreationTokens: t.float({ resolve: (task) => Number(task.cacheCreationTokens) }),
  }),
});

export const Task = builder.loadableNode('Task', {
  description: 'A unit of work given to an agent, with its durable transcript.',
  id: { resolve: (task: TaskRow) => task.id },
  load: (ids: string[], ctx) => ctx.services.tasks.loadTasks(ids),
  sort: (task) => task.id,
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    status: t.expose('status', { type: TaskStatusEnum }),
    priority: t.exposeInt('priority'),
    session: t.field({ type: Session, resolve: (task) => task.sessionId }),
    agent: t.field({ type: Agent, nullable: true, resolve: (task) => task.agentId }),
    requiredRole: t.expose('requiredRole', { type: AgentRoleEnum, nullable: true }),
    attempts: t.exposeInt('attempts'),
    maxAttempts: t.exposeInt('maxAttempts'),
    timeoutSeconds: t.exposeInt('timeoutSeconds', { nullable: true }),
    result: t.exposeString('result', { nullable: true, description: "The agent's final answer." }),
    error: t.field({
      type: TaskError,
      nullable: true,
      resolve: (task) => (task.errorType ? { type: task.errorType, message: task.errorMessage ?? '' } : null),
    }),
    costUsd: t.exposeFloat('costUsd', { description: 'Estimated cost in USD, as reported by the CLI.' }),
    usage: t.field({ type: TokenUsage, resolve: (task) => task }),
    progress: t.exposeFloat('progress'),
    lastEventSeq: t.exposeInt('lastEventSeq', { description: 'The seq of the newest event in the transcript.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    retryAt: t.expose('retryAt', {
      type: 'DateTime',
      nullable: true,
      description: 'A QUEUED task backing off after a retryable failure is not started before this.',
    }),
    maxBudgetUsd: t.exposeFloat('maxBudgetUsd', {
      nullable: true,
      description: 'Spend allowed for this task and every task under it; reaching it stops them with BUDGET_EXCEEDED.',
    }),
  }),
});

builder.objectField(Task, 'parentTask', (t) =>
  t.field({ type: Task, nullable: true, resolve: (task) => task.parentTaskId }),
);

builder.objectField(Task, 'subtasks', (t) =>
  t.field({
    type: [Task],
    description: 'The tasks created under this one (a workflow\'s plan), oldest first.',
    resolve: (task, _args, ctx) => ctx.services.tasks.subtasksOf(task.id),
  }),
);

builder.objectField(Task, 'dependsOn', (t) =>
  t.loadableList({
    type: Task,
    description: 'The tasks that must succeed before this one runs.',
    load: (ids: string[], ctx) => ctx.services.tasks.dependenciesOf(ids),
    resolve: (task) => task.id,
  }),
);

const TaskFilter = builder.inputType('TaskFilter', {
  fields: (t) => ({
    sessionId: t.id(),
    agentId: t.id(),
    parentTaskId: t.id(),
    status: t.field({ type: TaskStatusEnum }),
    requiredRole: t.field({ type: AgentRoleEnum }),
  }),
});

builder.queryFields((t) => ({
  tasks: t.connection({
    type: Task,
    args: { filter: t.arg({ type: TaskFilter }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const ids = {
        sessionId: parseOptionalGlobalId(filter?.sessionId?.toString(), 'Session', 'filter.sessionId'),
        agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
        parentTaskId: parseOptionalGlobalId(filter?.parentTaskId?.toString(), 'Task', 'filter.parentTaskId'),
      };
      return resolveIdConnection(args, (page) =>
        ctx.services.tasks.listTasks(
          { ...ids, status: filter?.status ?? undefined, requiredRole: filter?.requiredRole ?? undefined },
          page,
        ),
      );
    },
  }),
  task: t.field({
    type: Task,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, InvalidInputError], directResult: true, union: { name: 'TaskResult' } },
    resolve: (_root, args, ctx) => ctx.services.tasks.getTask(parseGlobalId(String(args.id), 'Task', 'id')),
  }),
}));

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  fields: (t) => ({
    sessionId: t.id({ required: true }),
    title: t.string({ required: true }),
    description: t.string(),
    priority: t.int({ description: 'Higher runs first; -1000 to 1000, default 0.' }),
    agentId: t.id({ description: 'Give the task to this agent at once; it runs when the agent is idle.' }),
    parentTaskId: t.id(),
    requiredRole: t.field({ type: AgentRoleEnum }),
    maxAttempts: t.int({ description: 'Attempts allowed when a run is cut short (1 to 10, default 1).' }),
    timeoutSeconds: t.int(),
    dependsOn: t.idList({ description: 'Tasks of the same session that must succeed first; the task is PENDING until then.' }),
    maxBudgetUsd: t.float({ description: 'Spend allowed for this task and every task under it (USD).' }),
  }),
});

const taskMutationErrors = [InvalidInputError, NotFoundError, ConflictError];

builder.mutationFields((t) => ({
  createTask: t.field({
    type: Task,
    args: { input: t.arg({ type: CreateTaskInput, required: true }) },
    errors: {
      types: taskMutationErrors,
      union: { name: 'CreateTaskResult' },
      result: { name: 'CreateTaskSuccess' },
      dataField: { name: 'task' },
    },
    resolve: (_root, { input }, ctx) =>
      ctx.services.tasks.createTask({
        sessionId: parseGlobalId(String(input.sessionId), 'Session', 'sessionId'),
        title: input.title,
        description: input.description ?? undefined,
        priority: input.priority ?? undefined,
        agentId: parseOptionalGlobalId(input.agentId?.toString(), 'Agent', 'agentId'),
        parentTaskId: parseOptionalGlobalId(input.parentTaskId?.toString(), 'Task', 'parentTaskId'),
        requiredRole: input.requiredRole ?? undefined,
        maxAttempts: input.maxAttempts ?? undefined,
        timeoutSeconds: input.timeoutSeconds ?? undefined,
        dependsOn: (input.dependsOn ?? []).map((id) => parseGlobalId(String(id), 'Task', 'dependsOn')),
        maxBudgetUsd: input.maxBudgetUsd ?? undefined,
      }),
  }),
  assignTask: t.field({
    type: Task,
    args: { taskId: t.arg.id({ required: true }), agentId: t.arg.id({ required: true }) },
    errors: {
      types: taskMutationErrors,
      union: { name: 'AssignTaskResult' },
      result: { name: 'AssignTaskSuccess' },
      dataField: { name: 'task' },
    },
    resolve: (_root, args, ctx) =>
      ctx.services.tasks.assignTask(
        parseGlobalId(String(args.taskId), 'Task', 'taskId'),
        parseGlobalId(String(args.agentId), 'Agent', 'agentId'),
      ),
  }),
  retryTask: t.field({
    type: Task,
    description: 'Queues a FAILED or CANCELLED task again, keeping its transcript; dependents it failed wait again.',
    args: { id: t.arg.id({ required: true }) },
    errors: {
      types: taskMutationErrors,
      union: { name: 'RetryTaskResult' },
      result: { name: 'RetryTaskSuccess' },
      dataField: { name: 'task' },
    },
    resolve: (_root, args, ctx) => ctx.services.tasks.retryTask(parseGlobalId(String(args.id), 'Task', 'id')),
  }),
  cancelTask: t.field({
    type: Task,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    errors: {
      types: taskMutationErrors,
      union: { name: 'CancelTaskResult' },
      result: { name: 'CancelTaskSuccess' },
      dataField: { name: 'task' },
    },
    resolve: (_root, args, ctx) =>
      ctx.services.tasks.cancelTask(parseGlobalId(String(args.id), 'Task', 'id'), args.reason ?? undefined),
  }),
}));

builder.subscriptionField('taskUpdated', (t) =>
  t.field({
    type: Task,
    description: 'A task after each committed change of status or progress, optionally for one session, task or parent.',
    args: { sessionId: t.arg.id(), taskId: t.arg.id(), parentTaskId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      const sessionId = parseOptionalGlobalId(args.sessionId?.toString(), 'Session', 'sessionId');
      const taskId = parseOptionalGlobalId(args.taskId?.toString(), 'Task', 'taskId');
      const parentTaskId = parseOptionalGlobalId(args.parentTaskId?.toString(), 'Task', 'parentTaskId');
      return filtered(ctx.services.bus.subscribe('task', 'all'), (task) =>
        (!sessionId || task.sessionId === sessionId) &&
        (!taskId || task.id === taskId) &&
        (!parentTaskId || task.parentTaskId === parentTaskId),
      );
    },
    resolve: (task: TaskRow) => task,
  }),
);
