import { AgentService } from './agent.service.js';
import { CommunicationService } from './communication.service.js';
import type { ServiceDeps } from './deps.js';
import { RunTracker } from './run-tracker.js';
import { SessionService } from './session.service.js';
import { TaskEventService } from './task-event.service.js';
import { TaskService } from './task.service.js';

export interface Services {
  sessions: SessionService;
  agents: AgentService;
  tasks: TaskService;
  taskEvents: TaskEventService;
  communications: CommunicationService;
  runs: RunTracker;
}

/** Wires the services together and to the supervisor's reports. */
export function createServices(deps: ServiceDeps): Services {
  const sessions = new SessionService(deps);
  const taskEvents = new TaskEventService(deps);
  const communications = new CommunicationService(deps);
  const runs = new RunTracker(deps, taskEvents, communications);
  const agents = new AgentService(deps, sessions, runs);
  const tasks = new TaskService(deps, sessions, taskEvents, communications, runs);

  // An agent that finished a turn takes its next queued task (already inside its work queue).
  runs.onAgentIdle = (agentId) => tasks.dispatchNow(agentId);
  deps.supervisor.setHandlers({
    onEvent: (agentId, event) => void runs.handleEvent(agentId, event),
    onExit: (agentId, exit) => void runs.handleExit(agentId, exit),
  });
  return { sessions, agents, tasks, taskEvents, communications, runs };
}
