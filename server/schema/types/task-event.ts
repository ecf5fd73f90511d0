import type { TaskEventRow } from '../../db/types.js';
import { InvalidInputError } from '../../errors.js';
import { builder } from '../builder.js';
import { visibleTaskId } from '../session-guard.js';
import { MAX_PAGE_SIZE } from '../pagination.js';
import { TaskEventKindEnum } from './enums.js';
import { Task } from './task.js';

export const TaskEvent = builder.objectRef<TaskEventRow>('TaskEvent').implement({
  description: "One numbered entry of a task's transcript: a status change or something the agent said or did.",
  fields: (t) => ({
    id: t.exposeID('id', { description: "The event's own id (not a global id: events are not nodes)." }),
    seq: t.exposeInt('seq', { description: 'Gap-free per task, from 1; resume a stream with afterSeq.' }),
    kind: t.expose('kind', { type: TaskEventKindEnum, description: 'What happened; it decides the fields of payload.' }),
    payload: t.expose('payload', { type: 'JSON', description: 'A JSON object whose fields depend on kind (see TaskEventKind).' }),
    runId: t.exposeID('runId', {
      nullable: true,
      description: 'The attempt (run) that produced it; null for events outside a run, such as creation or cancellation of a waiting task.',
    }),
    task: t.field({ type: Task, description: 'The task whose transcript it belongs to.', resolve: (event) => event.taskId }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it happened.' }),
  }),
});

function checkAfterSeq(afterSeq: number): number {
  if (afterSeq < 0) throw new InvalidInputError('afterSeq', 'must be 0 or more');
  return afterSeq;
}

builder.objectField(Task, 'events', (t) =>
  t.field({
    type: [TaskEvent],
    description: 'The transcript in seq order, a page at a time.',
    args: {
      afterSeq: t.arg.int({ defaultValue: 0, description: 'Only events with a greater seq (the last one seen); below 0 is an INVALID_INPUT error.' }),
      first: t.arg.int({ defaultValue: MAX_PAGE_SIZE, description: 'Most events to return, 0 to 1000; out of range is an INVALID_INPUT error.' }),
    },
    resolve: (task, args, ctx) => {
      const first = args.first ?? MAX_PAGE_SIZE;
      if (first < 0 || first > 1000) throw new InvalidInputError('first', 'must be between 0 and 1000');
      return ctx.services.taskEvents.listAfter(task.id, checkAfterSeq(args.afterSeq ?? 0), first);
    },
  }),
);

builder.subscriptionField('taskEvents', (t) =>
  t.field({
    type: TaskEvent,
    description:
      "A task's transcript: stored events after afterSeq, then live ones, with no gap and no duplicate. " +
      'Completes once the task has reached a terminal status. An unknown task is a NOT_FOUND error, a malformed id or a ' +
      'negative afterSeq an INVALID_INPUT error. When events before afterSeq were pruned, an OUTDATED_CURSOR event comes first.',
    args: {
      taskId: t.arg.id({ required: true, description: "The task's global id." }),
      afterSeq: t.arg.int({
        defaultValue: 0,
        description: 'The last seq already seen: replay starts after it. 0 replays the whole transcript; resubscribe with the last seq after a disconnect.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      const taskId = await visibleTaskId(ctx, String(args.taskId), 'taskId');
      const afterSeq = checkAfterSeq(args.afterSeq ?? 0);
      await ctx.services.tasks.getTask(taskId, 'taskId');
      return ctx.services.taskEvents.stream(taskId, afterSeq);
    },
    resolve: (event) => event,
  }),
);
