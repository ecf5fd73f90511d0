/**
 * The workflow canvas as plain data: which nodes and edges a workflow's tree draws. No React and
 * no React Flow here, so the rules can be tested on their own; the shapes are the subset of
 * React Flow's Node and Edge that the canvas fills in.
 */

export interface GraphAgent {
  id: string;
  name: string;
  status: string;
}

export interface GraphTask {
  id: string;
  title: string;
  status: string;
  /** The agent running the task, or the last one that did. */
  agent?: GraphAgent | null;
}

export interface GraphSubtask extends GraphTask {
  dependsOn: readonly { id: string }[];
}

export interface WorkflowTree {
  root: GraphTask & { progress: number };
  manager: GraphAgent | null;
  subtasks: readonly GraphSubtask[];
}

export type WorkflowNodeKind = 'root' | 'subtask' | 'agent';

export interface WorkflowNodeData {
  [key: string]: unknown;
  kind: WorkflowNodeKind;
  label: string;
  status: string;
  /** Set on task nodes (root and subtasks). */
  taskId?: string;
  /** Set on agent nodes, and on the root for its manager. */
  agentId?: string;
  /** A second line: the manager on the root, the worker on a subtask, "worker" on an agent. */
  caption?: string;
  /** The status of the agent named in the caption (the root's manager). */
  captionStatus?: string;
}

export interface WorkflowGraphNode {
  id: string;
  type: 'workflow';
  data: WorkflowNodeData;
}

/** assignment: manager -> subtask; execution: subtask -> the worker running it; dependency: prerequisite -> dependent. */
export type WorkflowEdgeKind = 'assignment' | 'execution' | 'dependency';

export interface WorkflowGraphEdge {
  id: string;
  source: string;
  target: string;
  kind: WorkflowEdgeKind;
}

export interface WorkflowGraph {
  nodes: WorkflowGraphNode[];
  edges: WorkflowGraphEdge[];
}

export const taskNodeId = (taskId: string): string => `task:${taskId}`;
export const agentNodeId = (agentId: string): string => `agent:${agentId}`;
export const assignmentEdgeId = (subtaskId: string): string => `assignment:${subtaskId}`;
export const executionEdgeId = (subtaskId: string, agentId: string): string => `execution:${subtaskId}:${agentId}`;
export const dependencyEdgeId = (prerequisiteId: string, dependentId: string): string => `dependency:${prerequisiteId}:${dependentId}`;

/**
 * The root (carrying its manager), one node per subtask and one per worker that runs any of
 * them; a worker running several subtasks is one node with several incoming edges.
 */
export function buildWorkflowGraph(tree: WorkflowTree): WorkflowGraph {
  const rootNodeId = taskNodeId(tree.root.id);
  const nodes: WorkflowGraphNode[] = [
    {
      id: rootNodeId,
      type: 'workflow',
      data: {
        kind: 'root',
        label: tree.root.title,
        status: tree.root.status,
        taskId: tree.root.id,
        ...(tree.manager
          ? { agentId: tree.manager.id, caption: `manager: ${tree.manager.name}`, captionStatus: tree.manager.status }
          : {}),
      },
    },
  ];
  const edges: WorkflowGraphEdge[] = [];
  const subtaskIds = new Set(tree.subtasks.map((subtask) => subtask.id));
  const workers = new Map<string, GraphAgent>();

  for (const subtask of tree.subtasks) {
    const worker = subtask.agent ?? null;
    nodes.push({
      id: taskNodeId(subtask.id),
      type: 'workflow',
      data: {
        kind: 'subtask',
        label: subtask.title,
        status: subtask.status,
        taskId: subtask.id,
        ...(worker ? { caption: `on ${worker.name}` } : {}),
      },
    });
    edges.push({ id: assignmentEdgeId(subtask.id), source: rootNodeId, target: taskNodeId(subtask.id), kind: 'assignment' });
    if (worker) {
      workers.set(worker.id, worker);
      edges.push({ id: executionEdgeId(subtask.id, worker.id), source: taskNodeId(subtask.id), target: agentNodeId(worker.id), kind: 'execution' });
    }
    for (const prerequisite of subtask.dependsOn) {
      // A plan only links its own steps; anything else would point off the canvas.
      if (!subtaskIds.has(prerequisite.id)) continue;
      edges.push({
        id: dependencyEdgeId(prerequisite.id, subtask.id),
        source: taskNodeId(prerequisite.id),
        target: taskNodeId(subtask.id),
        kind: 'dependency',
      });
    }
  }

  for (const worker of workers.values()) {
    nodes.push({
      id: agentNodeId(worker.id),
      type: 'workflow',
      data: { kind: 'agent', label: worker.name, status: worker.status, agentId: worker.id, caption: 'worker' },
    });
  }
  return { nodes, edges };
}

/** The agents drawn on the canvas: the manager (on the root) and every worker of a subtask. */
export function agentsOnCanvas(tree: WorkflowTree): string[] {
  const ids = tree.subtasks.flatMap((subtask) => (subtask.agent ? [subtask.agent.id] : []));
  return [...new Set(tree.manager ? [tree.manager.id, ...ids] : ids)];
}

/**
 * What the layout depends on: the node and edge ids. Statuses change all the time and must not
 * move anything; a new node or edge (the plan accepted, a worker taking a subtask) must.
 */
export function graphShapeKey(graph: WorkflowGraph): string {
  return [...graph.nodes.map((node) => node.id).sort(), '|', ...graph.edges.map((edge) => edge.id).sort()].join(' ');
}

const TERMINAL_TASK_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export const isTerminalTaskStatus = (status: string): boolean => TERMINAL_TASK_STATUSES.has(status);

/**
 * The phase to show. The server closes a workflow (phase DONE) just after publishing its root's
 * final status, so a live view can hold an ended root with the phase before; the root wins.
 */
export function displayedPhase(phase: string, rootStatus: string): string {
  return isTerminalTaskStatus(rootStatus) ? 'DONE' : phase;
}

/** The root's progress (0..1, ended subtasks plus the final answer) as a whole percentage. */
export function progressPercent(progress: number): number {
  if (!Number.isFinite(progress)) return 0;
  return Math.round(Math.min(1, Math.max(0, progress)) * 100);
}

/** The accepted plan's one or two sentences on the approach (Workflow.plan is free-form JSON). */
export function planSummary(plan: unknown): string | undefined {
  if (typeof plan !== 'object' || plan === null) return undefined;
  const summary = (plan as { summary?: unknown }).summary;
  return typeof summary === 'string' && summary.trim() ? summary : undefined;
}
