import { assignmentEdgeId, executionEdgeId, type WorkflowTree } from './workflow-graph.js';

/** The parts of a Communication that place it on the canvas. */
export interface CommunicationEnds {
  fromAgent?: { id: string } | null;
  toAgent?: { id: string } | null;
  task?: { id: string } | null;
}

/** How long an edge stays lit after a message crossed it. */
export const EDGE_LIGHT_MS = 2000;

/**
 * The edges a message travels along between its two ends. The manager sits on the root node, so
 * a manager <-> worker message about a subtask crosses manager -> subtask and subtask -> worker.
 * The ids are derived from the message alone: an instruction arrives before the subtask shows its
 * worker, and the edge it names lights up if it appears while the light lasts. Messages about the
 * root itself (the plan, the final answer) and ones that name no agent of the canvas light nothing.
 */
export function edgesForCommunication(tree: WorkflowTree, communication: CommunicationEnds): string[] {
  const managerId = tree.manager?.id;
  const ends = [communication.fromAgent?.id, communication.toAgent?.id].filter((id): id is string => Boolean(id));
  const managerSpeaks = managerId !== undefined && ends.includes(managerId);
  const workers = ends.filter((id) => id !== managerId);
  const taskId = communication.task?.id;

  // A message about a subtask concerns that subtask; one without a task (a person's note, a
  // manager's aside) travels to the subtasks its worker runs.
  const subtasks = taskId
    ? tree.subtasks.filter((subtask) => subtask.id === taskId)
    : tree.subtasks.filter((subtask) => subtask.agent && workers.includes(subtask.agent.id));

  const lit = new Set<string>();
  for (const subtask of subtasks) {
    const reachesWorker = workers.length > 0;
    if (managerSpeaks && reachesWorker) lit.add(assignmentEdgeId(subtask.id));
    for (const worker of workers) {
      if (taskId || subtask.agent?.id === worker) lit.add(executionEdgeId(subtask.id, worker));
    }
  }
  return [...lit];
}

/**
 * The messages of the last moments, each lighting its path for EDGE_LIGHT_MS after it arrived.
 * The path is worked out against the tree of the moment, so a plan's instructions, which arrive
 * just before the subtasks they concern are on the canvas, light up once those appear.
 */
export class EdgeLights {
  private recent: { communication: CommunicationEnds; arrivedAt: number }[] = [];

  constructor(private readonly durationMs: number = EDGE_LIGHT_MS) {}

  record(communication: CommunicationEnds, arrivedAt: number): void {
    this.recent.push({ communication, arrivedAt });
  }

  /** The edges of `tree` lit at `now`; forgets the messages whose light has gone out. */
  litAt(tree: WorkflowTree, now: number): Set<string> {
    this.recent = this.recent.filter((message) => message.arrivedAt + this.durationMs > now);
    return new Set(this.recent.flatMap((message) => edgesForCommunication(tree, message.communication)));
  }

  /** When the next light goes out, if any is on. */
  nextExpiry(): number | undefined {
    const first = this.recent[0];
    // Recorded in arrival order, so the oldest goes out first.
    return first ? first.arrivedAt + this.durationMs : undefined;
  }

  clear(): void {
    this.recent = [];
  }
}
