import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { SentMessage } from '../../services/message.service.js';
import { builder } from '../builder.js';
import { visibleAgentId } from '../session-guard.js';
import { Communication } from './communication.js';
import { Task } from './task.js';

const SendMessageSuccess = builder.objectRef<SentMessage>('SendMessageSuccess').implement({
  description: 'The message was recorded and delivered.',
  fields: (t) => ({
    communication: t.field({
      type: Communication,
      description: 'The message, as recorded (type MESSAGE, from no agent).',
      resolve: (sent) => sent.communication,
    }),
    task: t.field({
      type: Task,
      description: 'The running task the message joined, or the task it started when the agent was idle.',
      resolve: (sent) => sent.task,
    }),
  }),
});

builder.mutationField('sendMessage', (t) =>
  t.field({
    type: SendMessageSuccess,
    description:
      "A person's message to an agent, recorded as a communication and delivered into its session: a busy agent gets it as the " +
      'next turn of its running task, an idle one as a new task. ConflictError: the agent is TERMINATING, TERMINATED or FAILED ' +
      '(restart it first); NotFoundError: no such agent; InvalidInputError: a bad id or content.',
    args: {
      agentId: t.arg.id({ required: true, description: "The agent's global id." }),
      content: t.arg.string({ required: true, description: 'The message: 1 to 100000 characters (trimmed).' }),
    },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError],
      union: { name: 'SendMessageResult', description: 'The delivered message, or why it was not delivered.' },
      directResult: true,
    },
    resolve: async (_root, args, ctx) =>
      ctx.services.messages.sendMessage({ agentId: await visibleAgentId(ctx, String(args.agentId), 'agentId'), content: args.content }),
  }),
);
