import { builder } from './builder.js';
import './types/scalars.js';
import './types/errors.js';
import './types/enums.js';
import './types/session.js';
import './types/session-secret.js';
import './types/agent.js';
import './types/task.js';
import './types/task-event.js';
import './types/communication.js';
import './types/agent-status.js';
import './types/incident.js';
import './types/message.js';
import './types/workflow.js';
import './types/system-status.js';
import './types/metric.js';
import './types/access.js';

builder.queryType({
  authScopes: { viewer: true },
  description: 'Reads. Lists are Relay connections (first/after, last/before), oldest first, with an optional filter.',
});
builder.mutationType({
  authScopes: { operator: true },
  description:
    'Writes. Each returns a union of its success payload and the typed errors it can fail with (branch on __typename): ' +
    'expected failures are results, not GraphQL errors.',
});
builder.subscriptionType({
  authScopes: { viewer: true },
  description:
    'Live streams over graphql-ws on /graphql, or server-sent events (POST /graphql with Accept: text/event-stream). ' +
    'A subscriber that falls too far behind is ended with a CONSUMER_TOO_SLOW error and resumes from its cursor.',
});

export const schema = builder.toSchema({ sortSchema: true });
