import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { SentMessage } from '../../services/message.service.js';
import { builder } from '../builder.js';
import { parseGlobalId } from '../global-id.js';
import { Communication } from './communication.js';
import { Task } from './task.js';

const SendMessageSuccess = builder.objectRef<SentMessage>('SendMessageSuccess').implement({
  fields: (t) => ({
    communication: t.field({ type: Communication, resolve: (sent) => sent.communication }),
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
    description: "A person's message to an agent, recorded as a communication and delivered into its session.",
    args: { agentId: t.arg.id({ required: true }), content: t.arg.string({ required: true }) },
    errors: { types: [InvalidInputError, NotFoundError, ConflictError], union: { name: 'SendMessageResult' }, directResult: true },
    resolve: (_root, args, ctx) =>
      ctx.services.messages.sendMessage({ agentId: parseGlobalId(String(args.agentId), 'Agent', 'agentId'), content: args.content }),
  }),
);
