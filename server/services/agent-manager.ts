import { findAgentForUpdate, findAgentsByIds, findAgentsOnNode, updateAgent } from '../db/repositories/agent.repository.js';
import { findRunningRunsOnNode } from '../db/repositories/run.repository.js';
import { LIVE_AGENT_STATUSES, type AgentRow, type ResourceLimits, type TaskErrorType } from '../db/types.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { inOwnLogContext } from '../observability/log-context.js';
import type { TokenUsage } from '../supervisor/agent-events.js';
import type { LadderStep, ProcessExit } from '../supervisor/agent-process.js';
import { agentEnvironmentWithSecrets } from '../security/session-environment.js';
import { probeIsolation } from '../supervisor/isolation.js';
import { reapOrphans, sameProcess } from '../supervisor/orphan-reaper.js';
import { readBootId } from '../supervisor/process-table.js';
import { killTreeAndWait } from '../supervisor/process-tree.js';
import type { AgentLifecycle } from './agent-lifecycle.js';
import type { CrashPolicy } from './crash-policy.js';
import type { ServiceDeps } from './deps.js';
import type { IncidentService } from './incident.service.js';
import type { ActiveRun, RunTracker } from './run-tracker.js';
import type { SessionSecretsService } from './session-secrets.service.js';
import { inTransaction } from './transaction.js';
import { resolveWorkingDirectory } from './workspace.js';

/** Why the supervisor is stopping an agent's process (or its turn); absent = the process crashed. */
interface StopIntent {
  kind: 'terminate' | 'shutdown' | 'idle' | 'limit' | 'cancel' | 'restart';
  errorType: TaskErrorType;
  reason: string;
}

type Limits = Required<ResourceLimits>;

const STDERR_IN_MESSAGE = 1000;
/** Memory is sampled every this many watchdog ticks: its /proc scan costs ~35 µs per process on the machine. */
const MEMORY_SAMPLE_EVERY = 3;

/**
 * The life of agent processes: started (resuming the agent's CLI session when it has one),
 * closed when idle, stopped by the ladder, restarted with backoff after a crash, held FAILED by
 * the breaker, watched for limits, and swept after a server restart. All work for one agent
 * runs on its work queue.
 */
export class AgentManager {
  private readonly intents = new Map<string, StopIntent>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly limits = new Map<string, Limits>();
  private readonly limitHit = new Set<string>();
  private readonly waitingForCapacity = new Set<string>();
  private watchdog?: NodeJS.Timeout;
  private ticks = 0;
  private wrapperPrefix?: string[];
  private stopping = false;
  /** Starts the agent's next queued task; set by the composition root. Runs inside the agent's queue. */
  dispatchNow: (agentId: string) => Promise<void> = async () => {};

  constructor(
    private readonly deps: ServiceDeps,
    private readonly lifecycle: AgentLifecycle,
    private readonly incidents: IncidentService,
    private readonly runs: RunTracker,
    private readonly crashPolicy: CrashPolicy,
    private readonly sessionSecrets: SessionSecretsService,
  ) {
    runs.hooks.turnEnded = (agentId) => this.afterTurn(agentId);
    runs.hooks.outputLimitReached = (agentId, run) =>
      void this.enforceLimit(agentId, 'OUTPUT_LIMIT', `the run wrote more than its ${run.maxOutputBytes}-byte output limit`);
    // Each line logged while handling what a process said names its agent, and its task and run
    // while one is running (read when the work runs: a run may begin while this waits its turn).
    const inAgentContext = <T>(agentId: string, work: () => Promise<T>) => () => inOwnLogContext(runs.logContextOf(agentId), work);
    deps.supervisor.setHandlers({
      onEvent: (agentId, event) => deps.queue.run(agentId, inAgentContext(agentId, () => runs.record(agentId, event))),
      onExit: (agentId, exit) => void deps.queue.run(agentId, inAgentContext(agentId, () => this.settleExit(agentId, exit))),
    });
  }

  /** Probes process isolation once and starts the limits watchdog. */
  async start(): Promise<void> {
    if (this.deps.config.claude.isolation === 'auto') {
      const isolation = await probeIsolation();
      this.wrapperPrefix = isolation.kind === 'none' ? undefined : isolation.prefix;
      this.deps.log.info({ isolation: isolation.kind, reason: isolation.reason }, 'agent process isolation');
    }
    this.watchdog = setInterval(() => this.checkLimits(), this.deps.config.claude.watchdogIntervalMs);
    this.watchdog.unref();
    // Tasks requeued by the restart sweep (or queued while the server was down) run again.
    for (const agent of await findAgentsOnNode(this.deps.db, this.deps.config.nodeId, ['IDLE'])) {
      void this.deps.queue.run(agent.id, () => this.dispatchNow(agent.id));
    }
  }

  limitsOf(agent: Pick<AgentRow, 'config'>): Limits {
    return { ...this.deps.config.claude.limits, ...agent.config.limits } as Limits;
  }

  /** Starts a process for the agent. Must run inside the agent's queue. */
  async launch(agent: AgentRow, resume: boolean): Promise<AgentRow> {
    const { supervisor, config } = this.deps;
    this.limits.set(agent.id, this.limitsOf(agent));
    this.runs.processStarted(agent.id, resume
      ? { costUsd: agent.sessionCostUsd, tokens: agent.sessionTokens as Partial<TokenUsage> }
      : { costUsd: 0, tokens: {} });
    // Checked at every spawn, not only at creation: the tree may have changed since.
    const workingDirectory = await resolveWorkingDirectory(config.workspaceRoot, agent.config.workingDirectory, 'workingDirectory');
    // Decrypted at every start, for this session's agents only: a secret set or changed later
    // applies from the agent's next process.
    const secrets = await this.sessionSecrets.environmentFor(agent.sessionId);
    const { pid, startTime } = await supervisor.launch(agent.id, {
      binaryPath: supervisor.adapter.resolveBinary(config.claude.cliPath),
      cliSessionId: agent.cliSessionId,
      resume,
      model: agent.model,
      config: { ...agent.config, workingDirectory },
      environment: agentEnvironmentWithSecrets(config.agentEnvironment, secrets),
      maskedValues: Object.values(secrets),
      runTag: agent.id,
      wrapperPrefix: this.wrapperPrefix,
    });
    return updateAgent(this.deps.db, agent.id, { pid, processStartTime: startTime ?? null, bootId: readBootId(), nodeId: config.nodeId });
  }

  /**
   * Makes sure the agent has a live process before a turn, resuming its session when it has
   * one. Must run inside the agent's queue. False when the process could not be started.
   */
  async ensureProcess(agent: AgentRow): Promise<boolean> {
    // Shutting down: requeued tasks wait for the next start, with no new process now.
    if (this.stopping) return false;
    // A pending idle close of a live process is left alone: it checks for a run when it fires,
    // and a look for work that finds none (the scheduler's sweep) must not keep the process alive.
    if (this.deps.supervisor.isRunning(agent.id)) return true;
    this.clearIdleTimer(agent.id);
    if (!(await this.makeRoom(agent.id))) {
      // A documented queue: the task stays QUEUED and starts when a process slot frees up.
      this.waitingForCapacity.add(agent.id);
      this.deps.log.info({ agentId: agent.id }, 'CLAUDE_MAX_AGENTS processes are busy; the task waits for a slot');
      return false;
    }
    try {
      await this.launch(agent, agent.sessionStarted);
      return true;
    } catch (error) {
      await this.launchFailed(agent.id, error);
      return false;
    }
  }

  /** A slot for one more process: free, or taken from the longest-idle agent (its session resumes later). */
  private async makeRoom(forAgentId: string): Promise<boolean> {
    const { supervisor, config } = this.deps;
    if (supervisor.liveAgentIds().length < config.claude.maxAgents) return true;
    const idle = supervisor
      .liveProcesses(false)
      .filter((live) => live.agentId !== forAgentId && !this.runs.activeRun(live.agentId) && !this.intents.has(live.agentId))
      .sort((a, b) => a.lastOutputAt - b.lastOutputAt)[0]?.agentId;
    if (!idle) return false;
    this.intents.set(idle, { kind: 'idle', errorType: 'INTERRUPTED', reason: 'closed to make room for another agent' });
    await supervisor.stop(idle, ['eof', 'SIGTERM', 'SIGKILL']);
    return supervisor.liveAgentIds().length < config.claude.maxAgents;
  }

  /** A process slot may have freed up: agents waiting for one try again. */
  private wakeWaiting(): void {
    for (const agentId of this.waitingForCapacity) {
      this.waitingForCapacity.delete(agentId);
      void this.deps.queue.run(agentId, () => this.dispatchNow(agentId));
    }
  }

  /**
   * The agent is idle (a turn ended, or it just started): take the next task, or close the
   * process after the idle time. Must run inside the agent's queue.
   */
  async afterTurn(agentId: string): Promise<void> {
    // A stop in progress (shutdown, restart, terminate) must not start the next task on this process.
    if (this.stopping || this.intents.has(agentId)) return;
    await this.dispatchNow(agentId);
    if (!this.runs.activeRun(agentId)) {
      this.scheduleIdleClose(agentId);
      this.wakeWaiting();
    }
  }

  scheduleIdleClose(agentId: string): void {
    this.clearIdleTimer(agentId);
    if (this.stopping || !this.deps.supervisor.isRunning(agentId)) return;
    const seconds = this.deps.config.claude.idleTimeoutSeconds;
    const timer = setTimeout(() => {
      void this.deps.queue.run(agentId, () => inOwnLogContext({ agentId }, async () => {
        if (this.runs.activeRun(agentId) || !this.deps.supervisor.isRunning(agentId)) return;
        this.intents.set(agentId, { kind: 'idle', errorType: 'INTERRUPTED', reason: `idle for ${seconds} s` });
        // Closing stdin ends an idle CLI at once; the session resumes on the next turn.
        void this.deps.supervisor.stop(agentId, ['eof', 'SIGTERM', 'SIGKILL']);
      }));
    }, seconds * 1000);
    timer.unref();
    this.idleTimers.set(agentId, timer);
  }

  private clearIdleTimer(agentId: string): void {
    clearTimeout(this.idleTimers.get(agentId));
    this.idleTimers.delete(agentId);
  }

  /**
   * Ends the agent's running turn by the ladder, recording how its run ends. The process is
   * kept when the interrupt is enough. Must NOT run inside the agent's queue.
   */
  async stopTurn(agentId: string, intent: StopIntent, steps?: readonly LadderStep[]): Promise<LadderStep | undefined> {
    const run = this.runs.activeRun(agentId);
    if (run) {
      this.runs.setEnding(run.runId, {
        status: intent.kind === 'cancel' ? 'CANCELLED' : intent.kind === 'limit' ? 'FAILED' : 'INTERRUPTED',
        errorType: intent.errorType,
        reason: intent.reason,
      });
    }
    this.intents.set(agentId, intent);
    const step = steps
      ? (await this.deps.supervisor.stop(agentId, steps))?.ladderStep
      : await this.deps.supervisor.cancelTurn(agentId);
    // The interrupt alone ended the turn and the process stays: a later exit is not this stop's
    // doing. After SIGINT the CLI writes its result and then exits, which is.
    if ((step === 'interrupt' || step === undefined) && this.deps.supervisor.isRunning(agentId)) this.intents.delete(agentId);
    await this.deps.queue.drain(agentId);
    return step;
  }

  /** Stops the agent for good (terminateAgent). Idempotent. */
  async terminate(agentId: string, reason: string): Promise<void> {
    this.clearTimers(agentId);
    await this.lifecycle.move(agentId, 'TERMINATING', reason);
    if (this.deps.supervisor.isRunning(agentId)) {
      this.intents.set(agentId, { kind: 'terminate', errorType: 'AGENT_TERMINATED', reason });
      const run = this.runs.activeRun(agentId);
      if (run) this.runs.setEnding(run.runId, { status: 'INTERRUPTED', errorType: 'AGENT_TERMINATED', reason });
      await this.deps.supervisor.stop(agentId);
      await this.deps.queue.drain(agentId);
    } else {
      await this.deps.queue.run(agentId, () => this.settleWithoutProcess(agentId, 'TERMINATED', { errorType: 'AGENT_TERMINATED', reason }));
    }
  }

  /** A person restarts the agent: its crash record is cleared and its session resumes. */
  async restart(agentId: string, reason: string): Promise<void> {
    // Claimed under the row lock before the old process is stopped (which can take the whole
    // ladder): a second restart meanwhile is a conflict, not a second launch beside the first.
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const agent = await findAgentForUpdate(trx, agentId);
      if (!agent) throw new NotFoundError('Agent', 'id', agentId);
      if (['STARTING', 'RESTARTING', 'TERMINATING'].includes(agent.status)) {
        throw new ConflictError('id', `Agent ${agent.name} is ${agent.status}; try again when it has settled.`);
      }
      await this.lifecycle.transition(trx, afterCommit, agentId, 'RESTARTING', reason, {
        restartCount: agent.restartCount + 1,
        lastError: null,
        terminatedAt: null,
      });
    });
    this.clearTimers(agentId);
    this.crashPolicy.reset(agentId);
    if (this.deps.supervisor.isRunning(agentId)) {
      await this.stopTurn(agentId, { kind: 'restart', errorType: 'INTERRUPTED', reason }, ['close', 'SIGINT', 'SIGTERM', 'SIGKILL']);
    }
    await this.deps.queue.run(agentId, () => this.relaunch(agentId, reason, false));
  }

  /**
   * (ERROR ->) RESTARTING -> a new process (resuming the session) -> IDLE. A person's restart has
   * already claimed the agent RESTARTING. Must run inside the agent's queue.
   */
  private async relaunch(agentId: string, reason: string, afterCrash: boolean): Promise<void> {
    const [current] = await findAgentsByIds(this.deps.db, [agentId]);
    if (!current || current.status !== (afterCrash ? 'ERROR' : 'RESTARTING')) return;
    const restarting = afterCrash
      ? await this.lifecycle.move(agentId, 'RESTARTING', reason, {
          restartCount: current.restartCount + 1,
          lastError: current.lastError,
          terminatedAt: null,
        })
      : current;
    try {
      await this.launch(restarting, restarting.sessionStarted);
    } catch (error) {
      await this.launchFailed(agentId, error);
      return;
    }
    await this.lifecycle.move(agentId, 'IDLE', afterCrash ? 'restarted after a crash' : 'restarted');
    await this.incidents.crashesRecovered(agentId, afterCrash ? 'restarted; the session resumed' : 'restarted by a person');
    await this.afterTurn(agentId);
  }

  private async launchFailed(agentId: string, error: unknown): Promise<void> {
    const message = `Could not start the agent process: ${error instanceof Error ? error.message : String(error)}`;
    await this.crashed(agentId, message, undefined);
  }

  /** The process is gone: settle its run and decide the agent's next state. Inside the agent's queue. */
  private async settleExit(agentId: string, exit: ProcessExit): Promise<void> {
    // What the process said before it went is stored before its run is settled.
    await this.runs.flushEvents(agentId);
    this.clearIdleTimer(agentId);
    this.wakeWaiting();
    this.limitHit.delete(agentId);
    const intent = this.intents.get(agentId);
    this.intents.delete(agentId);
    const exitText = describeExit(exit);
    if (!intent) {
      await this.crashed(agentId, `The agent process ${exitText}`, exit);
      return;
    }
    const next = intent.kind === 'terminate' ? 'TERMINATED' : intent.kind === 'restart' ? undefined : 'IDLE';
    await this.settleWithoutProcess(agentId, next, { errorType: intent.errorType, reason: intent.reason, exit });
    if (next === 'IDLE' && !this.stopping) await this.dispatchNow(agentId);
  }

  /** Records the agent's process as gone, ends a live run, and moves the agent to `next`. */
  private async settleWithoutProcess(
    agentId: string,
    next: 'IDLE' | 'TERMINATED' | undefined,
    why: { errorType: TaskErrorType; reason: string; exit?: ProcessExit },
  ): Promise<void> {
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      await this.runs.processGone(trx, afterCommit, agentId, {
        errorType: why.errorType,
        reason: why.reason,
        exitCode: why.exit?.exitCode,
        signal: why.exit?.signal,
        ladderStep: why.exit?.ladderStep,
      });
      const patch = { pid: null, processStartTime: null, ...(next === 'TERMINATED' ? { terminatedAt: new Date() } : {}) };
      if (next) await this.lifecycle.transition(trx, afterCommit, agentId, next, why.reason, patch);
      else await updateAgent(trx, agentId, patch);
    });
  }

  /** An exit nobody asked for (or a failed start): ERROR, an incident, then a restart or the breaker. */
  private async crashed(agentId: string, message: string, exit: ProcessExit | undefined): Promise<void> {
    // A crash incident still open means its restart did not hold.
    await this.incidents.crashesRecovered(agentId, `the restart did not hold: ${message.slice(0, 500)}`);
    const decision = this.crashPolicy.crashed(agentId);
    const { restart } = this.deps.config.claude;
    // The task the crash cut short (read before processGone forgets the run).
    const run = this.runs.activeRun(agentId);
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      await this.runs.processGone(trx, afterCommit, agentId, {
        errorType: 'AGENT_EXITED',
        reason: message,
        exitCode: exit?.exitCode,
        signal: exit?.signal,
      });
      await this.lifecycle.transition(trx, afterCommit, agentId, 'ERROR', message.slice(0, 2000), {
        pid: null,
        processStartTime: null,
        lastError: message,
      });
      await this.incidents.record(trx, afterCommit, {
        type: 'AGENT_CRASH',
        severity: decision.delayMs === undefined ? 'CRITICAL' : run ? 'HIGH' : 'MEDIUM',
        agentId,
        taskId: run?.taskId ?? null,
        message,
        recoveryAction:
          decision.delayMs === undefined
            ? `none: ${decision.crashesInWindow} crashes within ${restart.crashWindowMs / 1000} s; the agent stays FAILED until restarted`
            : `restart in ${decision.delayMs} ms (crash ${decision.crashesInWindow} of ${restart.crashLimit} allowed within ${restart.crashWindowMs / 1000} s)`,
        recoveryResult: null,
      });
      if (decision.delayMs === undefined) {
        await this.lifecycle.transition(trx, afterCommit, agentId, 'FAILED', `crashed ${decision.crashesInWindow} times within ${restart.crashWindowMs / 1000} s`);
      }
    });
    if (decision.delayMs === undefined || this.stopping) return;
    const timer = setTimeout(() => {
      this.restartTimers.delete(agentId);
      // Not the crashed run's work any more: its lines name the agent only.
      void this.deps.queue.run(agentId, () => inOwnLogContext({ agentId }, () => this.relaunch(agentId, `restarting after crash ${decision.crashesInWindow}`, true)));
    }, decision.delayMs);
    timer.unref();
    this.restartTimers.set(agentId, timer);
  }

  /** Ends a run that broke one of its agent's limits, with that limit's reason. */
  async enforceLimit(agentId: string, errorType: TaskErrorType, reason: string): Promise<void> {
    if (this.limitHit.has(agentId)) return;
    this.limitHit.add(agentId);
    const run: ActiveRun | undefined = this.runs.activeRun(agentId);
    this.deps.log.warn({ agentId, errorType, reason }, 'agent limit reached');
    const incident = await inTransaction(this.deps.db, (trx, afterCommit) =>
      this.incidents.record(trx, afterCommit, {
        type: errorType === 'TIMEOUT' || errorType === 'SILENCE_TIMEOUT' ? 'CLI_TIMEOUT' : 'RESOURCE_EXHAUSTION',
        severity: 'HIGH',
        agentId,
        taskId: run?.taskId ?? null,
        message: reason,
        recoveryAction: errorType === 'MEMORY_LIMIT' ? 'killed the process tree' : 'stopped the turn (interrupt, then signals)',
        recoveryResult: null,
      }),
    );
    const intent: StopIntent = { kind: 'limit', errorType, reason };
    try {
      // Memory is the one limit that cannot wait for a graceful turn end.
      const step = await this.stopTurn(agentId, intent, errorType === 'MEMORY_LIMIT' ? ['SIGKILL'] : undefined);
      await this.incidents.recovered(
        incident.id,
        this.deps.supervisor.isRunning(agentId) ? `turn ended at ${step ?? 'its own end'}; the process was kept` : `turn ended at ${step}; the process was stopped`,
      );
    } finally {
      this.limitHit.delete(agentId);
    }
  }

  /** Turn time and silence every tick; memory (one /proc scan for all agents) every MEMORY_SAMPLE_EVERY ticks. */
  private checkLimits(): void {
    const now = Date.now();
    const withMemory = this.ticks++ % MEMORY_SAMPLE_EVERY === 0;
    let processes;
    try {
      processes = this.deps.supervisor.liveProcesses(withMemory);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'watchdog could not read the process table');
      return;
    }
    for (const live of processes) {
      const limits = this.limits.get(live.agentId);
      if (!limits || this.limitHit.has(live.agentId)) continue;
      if (withMemory && live.rssBytes > limits.maxMemoryMb * 1024 * 1024) {
        void this.enforceLimit(live.agentId, 'MEMORY_LIMIT', `the process tree used ${Math.round(live.rssBytes / 1048576)} MB, over its ${limits.maxMemoryMb} MB limit`);
        continue;
      }
      const run = this.runs.activeRun(live.agentId);
      if (!run) continue;
      if (now - run.startedAt > run.turnTimeoutSeconds * 1000) {
        void this.enforceLimit(live.agentId, 'TIMEOUT', `the turn ran past its ${run.turnTimeoutSeconds} s limit`);
      } else if (
        limits.silenceTimeoutSeconds > 0 &&
        !live.toolRunning &&
        now - Math.max(live.lastOutputAt, run.startedAt) > limits.silenceTimeoutSeconds * 1000
      ) {
        void this.enforceLimit(live.agentId, 'SILENCE_TIMEOUT', `no output for ${limits.silenceTimeoutSeconds} s while no tool was running`);
      }
    }
  }

  /** Graceful shutdown: every process closed; agents stay IDLE and resume their sessions next time. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    for (const id of [...this.restartTimers.keys(), ...this.idleTimers.keys()]) this.clearTimers(id);
    const reason = 'server_shutdown: the server stopped during the run';
    await Promise.all(
      this.deps.supervisor.liveAgentIds().map(async (agentId) => {
        this.intents.set(agentId, { kind: 'shutdown', errorType: 'INTERRUPTED', reason });
        const run = this.runs.activeRun(agentId);
        if (run) this.runs.setEnding(run.runId, { status: 'INTERRUPTED', errorType: 'INTERRUPTED', reason });
        await this.deps.supervisor.stop(agentId);
      }),
    );
    // The exits are settled by work already queued; what they set off (waking agents for the
    // tasks they requeued, retries) must not start now.
    this.deps.queue.close();
    await this.deps.queue.drainAll();
  }

  /**
   * Before listening: end every process an earlier life of this node left behind (verified by
   * pid + start time + boot, and by the environment tag), interrupt their runs with reason
   * server_restart, and make their agents IDLE so their sessions resume on the next turn.
   */
  async recoverAfterRestart(): Promise<{ agents: number; killed: number }> {
    const { db, config, log } = this.deps;
    const owned = await findAgentsOnNode(db, config.nodeId, [...LIVE_AGENT_STATUSES, 'TERMINATING', 'ERROR']);
    const bootId = readBootId();
    let killed = 0;
    for (const agent of owned) {
      const startTime = agent.processStartTime === null ? undefined : Number(agent.processStartTime);
      if (agent.pid && startTime !== undefined && agent.bootId === bootId && sameProcess(agent.pid, startTime)) {
        await killTreeAndWait(agent.pid, agent.id, { graceMs: 2_000 });
        killed += 1;
      }
    }
    const ownedIds = new Set((await findAgentsOnNode(db, config.nodeId, ['STARTING', 'IDLE', 'BUSY', 'TERMINATING', 'TERMINATED', 'ERROR', 'RESTARTING', 'FAILED'])).map((a) => a.id));
    const reaped = await reapOrphans({ tagPredicate: (tag) => ownedIds.has(tag), isKnownLive: () => false, log });
    killed += reaped.length;

    const reason = 'server_restart: the server restarted during the run';
    for (const run of await findRunningRunsOnNode(db, config.nodeId)) {
      await inTransaction(db, (trx, afterCommit) => this.runs.interruptRun(trx, afterCommit, run, { errorType: 'INTERRUPTED', reason }));
    }
    for (const agent of owned) {
      const next = agent.status === 'TERMINATING' ? 'TERMINATED' : 'IDLE';
      await this.lifecycle.move(agent.id, next, 'server_restart: the session resumes on the next turn', { pid: null, processStartTime: null });
    }
    if (owned.length > 0 || killed > 0) log.warn({ agents: owned.length, killed }, 'settled what an earlier server life left');
    return { agents: owned.length, killed };
  }

  private clearTimers(agentId: string): void {
    clearTimeout(this.restartTimers.get(agentId));
    this.restartTimers.delete(agentId);
    this.clearIdleTimer(agentId);
  }
}

function describeExit(exit: ProcessExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  const stderr = exit.stderrTail.trim();
  return stderr ? `${how}: ${stderr.slice(-STDERR_IN_MESSAGE)}` : how;
}
