import { AgentLifecycle } from './agent-lifecycle.js';
import { AgentManager } from './agent-manager.js';
import { AgentService } from './agent.service.js';
import { ApiTokenService } from './api-token.service.js';
import { AuditService } from './audit.service.js';
import { BudgetService } from './budget.service.js';
import { EventBatcher } from './event-batcher.js';
import { CommunicationService } from './communication.service.js';
import { CrashPolicy } from './crash-policy.js';
import type { ServiceDeps } from './deps.js';
import { IncidentService } from './incident.service.js';
import { MessageService } from './message.service.js';
import { MetricService } from './metric.service.js';
import { RunTracker } from './run-tracker.js';
import { SessionService } from './session.service.js';
import { SessionSecretsService } from './session-secrets.service.js';
import { SystemStatusService } from './system-status.service.js';
import { TaskEventService } from './task-event.service.js';
import { TaskService } from './task.service.js';
import { WorkflowService } from './workflow.service.js';

export interface Services {
  sessions: SessionService;
  sessionSecrets: SessionSecretsService;
  agents: AgentService;
  tasks: TaskService;
  taskEvents: TaskEventService;
  communications: CommunicationService;
  incidents: IncidentService;
  lifecycle: AgentLifecycle;
  manager: AgentManager;
  runs: RunTracker;
  messages: MessageService;
  workflows: WorkflowService;
  budgets: BudgetService;
  systemStatus: SystemStatusService;
  metrics: MetricService;
  audit: AuditService;
  tokens: ApiTokenService;
  batcher: EventBatcher;
  /** Subscriptions read live events from here. */
  bus: ServiceDeps['bus'];
}

/** Wires the services together and to the supervisor's reports. */
export function createServices(deps: ServiceDeps): Services {
  const sessions = new SessionService(deps);
  const sessionSecrets = new SessionSecretsService(deps, sessions);
  const taskEvents = new TaskEventService(deps);
  const communications = new CommunicationService(deps);
  const incidents = new IncidentService(deps);
  const lifecycle = new AgentLifecycle(deps, taskEvents);
  const budgets = new BudgetService(deps, taskEvents);
  const batcher = new EventBatcher(deps, taskEvents, deps.config.transcriptBufferEvents);
  const runs = new RunTracker(deps, taskEvents, communications, lifecycle, budgets, batcher);
  const manager = new AgentManager(deps, lifecycle, incidents, runs, new CrashPolicy(deps.config.claude.restart), sessionSecrets);
  const agents = new AgentService(deps, sessions, lifecycle, manager);
  const tasks = new TaskService(deps, sessions, taskEvents, communications, runs, lifecycle, manager, budgets);
  const messages = new MessageService(deps, agents, tasks, communications, runs);
  const workflows = new WorkflowService(deps, sessions, agents, tasks, taskEvents, communications);
  manager.dispatchNow = (agentId) => tasks.dispatchNow(agentId);
  budgets.stopTree = (taskId, stop) => tasks.stopTree(taskId, stop);
  runs.hooks.costAdded = (taskId) =>
    void budgets.costAdded(taskId).catch((error: unknown) => deps.log.error({ err: error, taskId }, 'budget check failed'));
  runs.hooks.managerTurnEnded = (trx, afterCommit, task, _runId, answer) => workflows.managerTurnEnded(trx, afterCommit, task, answer);
  taskEvents.onStatus = (taskId, to) => {
    const failed = (error: unknown) => deps.log.error({ err: error, taskId }, 'task engine step failed');
    void tasks.statusChanged(taskId, to).catch(failed);
    void workflows.statusChanged(taskId, to).catch(failed);
  };
  const systemStatus = new SystemStatusService(deps);
  const metrics = new MetricService(deps);
  const audit = new AuditService(deps);
  const tokens = new ApiTokenService(deps);
  return { sessions, sessionSecrets, agents, tasks, taskEvents, communications, incidents, lifecycle, manager, runs, messages, workflows, budgets, systemStatus, metrics, audit, tokens, batcher, bus: deps.bus };
}
