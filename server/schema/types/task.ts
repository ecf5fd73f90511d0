import { allowsSession, onlyVisible, visibleSessionIds } from '../../auth/session-limit.js';
import type { TaskRow } from '../../db/types.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { filtered } from '../filtered.js';
import { parseGlobalId, parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { requireVisibleAgents, requireVisibleTasks, visibleAgentId, visibleSessionId, visibleTaskId } from '../session-guard.js';
import { Agent } from './agent.js';
import { AgentRoleEnum, TaskErrorTypeEnum, TaskStatusEnum } from './enums.js';
import { Session } from './session.js';

const TaskError = builder.objectRef<{ type: NonNullable<TaskRow['errorType']>; message: string }>('TaskError').implement({
  description: 'Why a task failed (or why its last attempt was cut short).',
  fields: (t) => ({
    type: t.expose('type', { type: TaskErrorTypeEnum, description: 'The kind of failure; it decides whether the task is retried.' }),
    message: t.exposeString('message', { description: 'What happened, for people; includes how to fix it when a person must.' }),
  }),
});

const TokenUsage = builder.objectRef<TaskRow>('TokenUsage').implement({
  description: 'Tokens spent on a task over all its attempts, subagents included.',
  fields: (t) => ({
    // Floats: the counts outgrow GraphQL's 32-bit Int.
    inputTokens: t.float({ description: 'Input tokens not read from the cache (a whole number).', resolve: (task) => Number(task.inputTokens) }),
    outputTokens: t.float({ description: 'Output tokens (a whole number).', resolve: (task) => Number(task.outputTokens) }),
    cacheReadTokens: t.float({ description: 'Input tokens read from the prompt cache (a whole number).', resolve: (task) => Number(task.cacheReadTokens) }),
    cacheCreationTokens: t.float({
      description: 'Input tokens written to the prompt cache (a whole number).',
      resolve: (task) => Number(task.cacheCreationTokens),
    }),
  }),
});

export const Task = builder.loadableNode('Task', {
  description: 'A unit of work given to an agent, with its durable transcript.',
  authScopes: (task, ctx) => allowsSession(ctx.principal, task.sessionId),
  id: { resolve: (task: TaskRow) => task.id },
  load: async (ids: string[], ctx) => onlyVisible(ctx.principal, await ctx.services.tasks.loadTasks(ids), (task) => task.sessionId),
  sort: (task) => task.id,
  fields: (t) => ({
    title: t.exposeString('title', { description: 'A short name for people.' }),
    description: t.exposeString('description', { description: 'Instructions sent to the agent after the title; may be empty.' }),
    status: t.expose('status', { type: TaskStatusEnum, description: 'Where the task is; its events say how it got there.' }),
    priority: t.exposeInt('priority', { description: 'Higher runs first, -1000 to 1000; equal priorities run oldest first.' }),
    session: t.field({ type: Session, description: 'The session it belongs to.', resolve: (task) => task.sessionId }),
    agent: t.field({
      type: Agent,
      nullable: true,
      description: 'The agent it was given to or that ran it; null while it waits for any idle agent of its session.',
      resolve: (task) => task.agentId,
    }),
    requiredRole: t.expose('requiredRole', {
      type: AgentRoleEnum,
      nullable: true,
      description: 'Only agents of this role may take it; null = any role.',
    }),
    attempts: t.exposeInt('attempts', { description: 'Runs started so far.' }),
    maxAttempts: t.exposeInt('maxAttempts', { description: 'Runs allowed before a retryable failure becomes final.' }),
    timeoutSeconds: t.exposeInt('timeoutSeconds', {
      nullable: true,
      description: "Longest turn of its runs in seconds; null = the agent's turnTimeoutSeconds.",
    }),
    result: t.exposeString('result', { nullable: true, description: "The agent's final answer; null until the task SUCCEEDED." }),
    error: t.field({
      type: TaskError,
      nullable: true,
      description: 'Why it failed or was cancelled (or why its last attempt was cut short, while it waits to retry); null otherwise.',
      resolve: (task) => (task.errorType ? { type: task.errorType, message: task.errorMessage ?? '' } : null),
    }),
    costUsd: t.exposeFloat('costUsd', { description: 'Estimated cost in USD over all attempts, as reported by the CLI.' }),
    usage: t.field({ type: TokenUsage, description: 'Tokens spent over all attempts.', resolve: (task) => task }),
    progress: t.exposeFloat('progress', {
      description: 'From 0 to 1: 1 once SUCCEEDED; for a workflow root, the share of its steps (subtasks, then the answer) done.',
    }),
    lastEventSeq: t.exposeInt('lastEventSeq', { description: 'The seq of the newest event in the transcript.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the task was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the task last changed.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When its first run started; null until then.' }),
    finishedAt: t.expose('finishedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it reached SUCCEEDED, FAILED or CANCELLED; null while it has not ended.',
    }),
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
  t.field({
    type: Task,
    nullable: true,
    description: 'The task it was created under (a workflow root, for subtasks); null for a top-level task.',
    resolve: (task) => task.parentTaskId,
  }),
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
  description: 'Narrows the tasks query; absent fields do not filter, given ones must all match.',
  fields: (t) => ({
    sessionId: t.id({ description: 'Only tasks of this session (global id).' }),
    agentId: t.id({ description: 'Only tasks given to this agent (global id).' }),
    parentTaskId: t.id({ description: 'Only tasks created under this one (global id), e.g. the subtasks of a workflow.' }),
    status: t.field({ type: TaskStatusEnum, description: 'Only tasks with this status.' }),
    requiredRole: t.field({ type: AgentRoleEnum, description: 'Only tasks that require this role.' }),
  }),
});

builder.queryFields((t) => ({
  tasks: t.connection(
    {
      type: Task,
      description: 'Tasks of every session, oldest first, a page at a time. A malformed filter id is an INVALID_INPUT error.',
      args: { filter: t.arg({ type: TaskFilter, description: 'Only tasks that match; all when absent.' }) },
      resolve: (_root, { filter, ...args }, ctx) => {
        const ids = {
          sessionId: parseOptionalGlobalId(filter?.sessionId?.toString(), 'Session', 'filter.sessionId'),
          agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
          parentTaskId: parseOptionalGlobalId(filter?.parentTaskId?.toString(), 'Task', 'filter.parentTaskId'),
        };
        return resolveIdConnection(args, (page) =>
          ctx.services.tasks.listTasks(
            {
              ...ids,
              sessionIds: visibleSessionIds(ctx.principal),
              status: filter?.status ?? undefined,
              requiredRole: filter?.requiredRole ?? undefined,
            },
            page,
          ),
        );
      },
    },
    { description: 'A page of tasks.' },
    { description: 'A task and its cursor.' },
  ),
  task: t.field({
    type: Task,
    description: 'One task by id, with its result, error, cost and tokens: the Task, or NotFoundError or InvalidInputError (not a Task id).',
    args: { id: t.arg.id({ required: true, description: "The task's global id." }) },
    errors: {
      types: [NotFoundError, InvalidInputError],
      directResult: true,
      union: { name: 'TaskResult', description: 'The task, or why it could not be returned.' },
    },
    resolve: async (_root, args, ctx) => ctx.services.tasks.getTask(await visibleTaskId(ctx, String(args.id), 'id')),
  }),
}));

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  description: 'A new task.',
  fields: (t) => ({
    sessionId: t.id({ required: true, description: 'The session it belongs to (global id).' }),
    title: t.string({ required: true, description: '1 to 500 characters (trimmed). The agent is sent the title, then the description.' }),
    description: t.string({ description: 'The instructions for the agent, up to 100000 characters; empty when absent.' }),
    priority: t.int({ description: 'Higher runs first; -1000 to 1000, default 0.' }),
    agentId: t.id({
      description:
        'Give the task to this agent (of the same session, and able to take tasks) at once; it runs when the agent is idle. ' +
        'When absent, any idle agent of the session (of requiredRole, if set) takes it.',
    }),
    parentTaskId: t.id({ description: 'A task of the same session to create it under; its budget (maxBudgetUsd) then covers this one.' }),
    requiredRole: t.field({ type: AgentRoleEnum, description: 'Only agents of this role may take it; any role when absent.' }),
    maxAttempts: t.int({ description: 'Attempts allowed when a run is cut short (1 to 10, default 1).' }),
    timeoutSeconds: t.int({ description: "Longest turn of its runs in seconds, 1 to 86400; the agent's turnTimeoutSeconds when absent." }),
    dependsOn: t.idList({
      description:
        'Tasks of the same session that must succeed first (at most 100; none FAILED or CANCELLED); the task is PENDING until then.',
    }),
    maxBudgetUsd: t.float({ description: 'Spend allowed for this task and every task under it (USD).' }),
  }),
});

const taskMutationErrors = [InvalidInputError, NotFoundError, ConflictError];

builder.mutationFields((t) => ({
  createTask: t.field({
    type: Task,
    description:
      'Creates a task: QUEUED, or PENDING while its dependencies have not succeeded. InvalidInputError: a bad field, or an agent, ' +
      'parent or dependency of another session or the wrong role; NotFoundError: no such session, agent, parent or dependency; ' +
      "ConflictError: the agent cannot take tasks (not IDLE, BUSY or STARTING) or the parent's budget is spent.",
    args: { input: t.arg({ type: CreateTaskInput, required: true, description: 'The task to create.' }) },
    errors: {
      types: taskMutationErrors,
      union: { name: 'CreateTaskResult', description: 'The created task, or why it was not created.' },
      result: { name: 'CreateTaskSuccess', description: 'The task was created.' },
      dataField: { name: 'task', description: 'The new task (already RUNNING when its agent was idle).' },
    },
    resolve: async (_root, { input }, ctx) => {
      const sessionId = await visibleSessionId(ctx, String(input.sessionId), 'sessionId');
      const agentId = parseOptionalGlobalId(input.agentId?.toString(), 'Agent', 'agentId');
      const parentTaskId = parseOptionalGlobalId(input.parentTaskId?.toString(), 'Task', 'parentTaskId');
      const dependsOn = (input.dependsOn ?? []).map((id) => parseGlobalId(String(id), 'Task', 'dependsOn'));
      await requireVisibleAgents(ctx, 'agentId', agentId);
      await requireVisibleTasks(ctx, 'parentTaskId', parentTaskId);
      await requireVisibleTasks(ctx, 'dependsOn', ...dependsOn);
      return ctx.services.tasks.createTask({
        sessionId,
        title: input.title,
        description: input.description ?? undefined,
        priority: input.priority ?? undefined,
        agentId,
        parentTaskId,
        requiredRole: input.requiredRole ?? undefined,
        maxAttempts: input.maxAttempts ?? undefined,
        timeoutSeconds: input.timeoutSeconds ?? undefined,
        dependsOn,
        maxBudgetUsd: input.maxBudgetUsd ?? undefined,
      });
    },
  }),
  assignTask: t.field({
    type: Task,
    description:
      'Gives a PENDING or QUEUED task to one agent of its session; it runs when the agent is idle (and its dependencies succeeded). ' +
      'ConflictError: the task is no longer waiting, or the agent cannot take tasks; InvalidInputError: another session or the wrong role.',
    args: {
      taskId: t.arg.id({ required: true, description: "The task's global id." }),
      agentId: t.arg.id({ required: true, description: "The agent's global id." }),
    },
    errors: {
      types: taskMutationErrors,
      union: { name: 'AssignTaskResult', description: 'The assigned task, or why it was not assigned.' },
      result: { name: 'AssignTaskSuccess', description: 'The task was assigned.' },
      dataField: { name: 'task', description: 'The task, with its agent set.' },
    },
    resolve: async (_root, args, ctx) =>
      ctx.services.tasks.assignTask(
        await visibleTaskId(ctx, String(args.taskId), 'taskId'),
        await visibleAgentId(ctx, String(args.agentId), 'agentId'),
      ),
  }),
  retryTask: t.field({
    type: Task,
    description:
      'Queues a FAILED or CANCELLED task again, keeping its transcript; dependents it failed wait again. ' +
      'ConflictError: the task has not ended in failure, or a task it depends on is FAILED or CANCELLED (retry that one first).',
    args: { id: t.arg.id({ required: true, description: "The task's global id." }) },
    errors: {
      types: taskMutationErrors,
      union: { name: 'RetryTaskResult', description: 'The requeued task, or why it was not requeued.' },
      result: { name: 'RetryTaskSuccess', description: 'The task was queued again.' },
      dataField: { name: 'task', description: 'The task, QUEUED or PENDING again.' },
    },
    resolve: async (_root, args, ctx) => ctx.services.tasks.retryTask(await visibleTaskId(ctx, String(args.id), 'id')),
  }),
  cancelTask: t.field({
    type: Task,
    description:
      'Cancels a task and every unfinished task under it: a waiting one at once, a running one by stopping its turn ' +
      '(interrupt, then SIGINT, SIGTERM, SIGKILL). ConflictError: the task has already ended.',
    args: {
      id: t.arg.id({ required: true, description: "The task's global id." }),
      reason: t.arg.string({ description: 'Why, recorded in its error and events (at most 1000 characters); "cancelled by request" when absent.' }),
    },
    errors: {
      types: taskMutationErrors,
      union: { name: 'CancelTaskResult', description: 'The cancelled task, or why it was not cancelled.' },
      result: { name: 'CancelTaskSuccess', description: 'The task was cancelled.' },
      dataField: { name: 'task', description: 'The task after the cancellation.' },
    },
    resolve: async (_root, args, ctx) =>
      ctx.services.tasks.cancelTask(await visibleTaskId(ctx, String(args.id), 'id'), args.reason ?? undefined),
  }),
}));

builder.subscriptionField('taskUpdated', (t) =>
  t.field({
    type: Task,
    description:
      'A task after each committed change of status or progress, from now on, optionally for one session, task or parent. ' +
      'A malformed id is an INVALID_INPUT error.',
    args: {
      sessionId: t.arg.id({ description: 'Only tasks of this session (global id); all when absent.' }),
      taskId: t.arg.id({ description: 'Only this task (global id); all when absent.' }),
      parentTaskId: t.arg.id({ description: "Only tasks under this one (global id), e.g. a workflow's subtasks; all when absent." }),
    },
    subscribe: (_root, args, ctx) => {
      const sessionId = parseOptionalGlobalId(args.sessionId?.toString(), 'Session', 'sessionId');
      const taskId = parseOptionalGlobalId(args.taskId?.toString(), 'Task', 'taskId');
      const parentTaskId = parseOptionalGlobalId(args.parentTaskId?.toString(), 'Task', 'parentTaskId');
      return filtered(ctx.services.bus.subscribe('task', 'all'), (task) =>
        allowsSession(ctx.principal, task.sessionId) &&
        (!sessionId || task.sessionId === sessionId) &&
        (!taskId || task.id === taskId) &&
        (!parentTaskId || task.parentTaskId === parentTaskId),
      );
    },
    resolve: (task: TaskRow) => task,
  }),
);
