import { builder } from './builder.js';
import './types/scalars.js';
import './types/errors.js';
import './types/enums.js';
import './types/session.js';
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

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema({ sortSchema: true });
