/**
 * The workflow canvas's rules without a browser: which nodes and edges a workflow draws, how
 * dagre lays them out, and which edges a communication lights.
 */
import { describe, expect, it } from 'vitest';
import { EdgeLights, edgesForCommunication } from '../../client/dashboard/src/workflow/communication-edges.js';
import {
  agentNodeId,
  agentsOnCanvas,
  assignmentEdgeId,
  buildWorkflowGraph,
  dependencyEdgeId,
  displayedPhase,
  executionEdgeId,
  graphShapeKey,
  planSummary,
  progressPercent,
  taskNodeId,
  type GraphSubtask,
  type WorkflowTree,
} from '../../client/dashboard/src/workflow/workflow-graph.js';
import { layoutWorkflowGraph, WORKFLOW_NODE_SIZE } from '../../client/dashboard/src/workflow/workflow-layout.js';

const manager = { id: 'm', name: 'manager', status: 'BUSY' };
const worker1 = { id: 'w1', name: 'worker-1', status: 'BUSY' };
const worker2 = { id: 'w2', name: 'worker-2', status: 'IDLE' };

function subtask(id: string, fields: Partial<GraphSubtask> = {}): GraphSubtask {
  return { id, title: `Part ${id.toUpperCase()}`, status: 'QUEUED', agent: null, dependsOn: [], ...fields };
}

/** The README's example: A and B in parallel, C after A; worker-1 ran A and C, worker-2 ran B. */
function threePartTree(): WorkflowTree {
  return {
    root: { id: 'root', title: 'Write the report', status: 'PENDING', progress: 0.25 },
    manager,
    subtasks: [
      subtask('a', { status: 'SUCCEEDED', agent: worker1 }),
      subtask('b', { status: 'RUNNING', agent: worker2 }),
      subtask('c', { status: 'RUNNING', agent: worker1, dependsOn: [{ id: 'a' }] }),
    ],
  };
}

describe('buildWorkflowGraph', () => {
  it('draws the root with its manager, each subtask, and each worker once', () => {
    const graph = buildWorkflowGraph(threePartTree());
    expect(graph.nodes.map((node) => [node.id, node.data.kind, node.data.status])).toEqual([
      ['task:root', 'root', 'PENDING'],
      ['task:a', 'subtask', 'SUCCEEDED'],
      ['task:b', 'subtask', 'RUNNING'],
      ['task:c', 'subtask', 'RUNNING'],
      ['agent:w1', 'agent', 'BUSY'],
      ['agent:w2', 'agent', 'IDLE'],
    ]);
    expect(graph.nodes[0]!.data).toMatchObject({ taskId: 'root', agentId: 'm', caption: 'manager: manager', captionStatus: 'BUSY' });
    expect(graph.nodes[1]!.data).toMatchObject({ taskId: 'a', caption: 'on worker-1' });
    expect(graph.nodes[4]!.data).toMatchObject({ agentId: 'w1', label: 'worker-1' });
    expect(graph.nodes[4]!.data.taskId).toBeUndefined();
  });

  it('links manager -> subtask, subtask -> its worker, and prerequisite -> dependent', () => {
    const graph = buildWorkflowGraph(threePartTree());
    expect(graph.edges.map((edge) => [edge.kind, edge.source, edge.target])).toEqual([
      ['assignment', 'task:root', 'task:a'],
      ['execution', 'task:a', 'agent:w1'],
      ['assignment', 'task:root', 'task:b'],
      ['execution', 'task:b', 'agent:w2'],
      ['assignment', 'task:root', 'task:c'],
      ['execution', 'task:c', 'agent:w1'],
      ['dependency', 'task:a', 'task:c'],
    ]);
    expect(new Set(graph.edges.map((edge) => edge.id)).size).toBe(graph.edges.length);
  });

  it('draws only the root while the manager plans, and no worker edge before a worker takes the subtask', () => {
    const planning = buildWorkflowGraph({ root: { id: 'root', title: 'T', status: 'RUNNING', progress: 0 }, manager, subtasks: [] });
    expect(planning.nodes.map((node) => node.id)).toEqual(['task:root']);
    expect(planning.edges).toEqual([]);

    const queued = buildWorkflowGraph({ ...threePartTree(), subtasks: [subtask('a')] });
    expect(queued.edges.map((edge) => edge.kind)).toEqual(['assignment']);
    expect(queued.nodes.find((node) => node.id === 'task:a')!.data.caption).toBeUndefined();
  });

  it('leaves out dependencies on tasks that are not part of the workflow', () => {
    const graph = buildWorkflowGraph({ ...threePartTree(), subtasks: [subtask('a', { dependsOn: [{ id: 'elsewhere' }] })] });
    expect(graph.edges.filter((edge) => edge.kind === 'dependency')).toEqual([]);
  });

  it('draws a root without a manager (the manager was removed) without a caption', () => {
    const graph = buildWorkflowGraph({ ...threePartTree(), manager: null });
    expect(graph.nodes[0]!.data.agentId).toBeUndefined();
    expect(graph.nodes[0]!.data.caption).toBeUndefined();
  });
});

describe('graphShapeKey', () => {
  it('ignores status changes and changes when a node or an edge comes', () => {
    const tree = threePartTree();
    const key = graphShapeKey(buildWorkflowGraph(tree));
    const finished = { ...tree, subtasks: tree.subtasks.map((s) => ({ ...s, status: 'SUCCEEDED' })) };
    expect(graphShapeKey(buildWorkflowGraph(finished))).toBe(key);

    const moreWork = { ...tree, subtasks: [...tree.subtasks, subtask('d')] };
    expect(graphShapeKey(buildWorkflowGraph(moreWork))).not.toBe(key);
    const taken = { ...tree, subtasks: tree.subtasks.map((s) => (s.id === 'b' ? { ...s, agent: worker1 } : s)) };
    expect(graphShapeKey(buildWorkflowGraph(taken))).not.toBe(key);
  });
});

describe('layoutWorkflowGraph', () => {
  const graph = buildWorkflowGraph(threePartTree());
  const positions = layoutWorkflowGraph(graph);
  const at = (nodeId: string) => positions.get(nodeId)!;

  it('places every node, left to right: root, subtasks (dependents after prerequisites), workers', () => {
    expect([...positions.keys()].sort()).toEqual(graph.nodes.map((node) => node.id).sort());
    expect(at('task:root').x).toBeLessThan(at('task:a').x);
    expect(at('task:a').x).toBe(at('task:b').x);
    expect(at('task:a').x).toBeLessThan(at('task:c').x);
    expect(at('task:c').x).toBeLessThan(at('agent:w1').x);
    expect(at('task:b').x).toBeLessThan(at('agent:w2').x);
  });

  it('never overlaps two nodes', () => {
    const { width, height } = WORKFLOW_NODE_SIZE;
    const placed = [...positions.values()];
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const [p, q] = [placed[i]!, placed[j]!];
        const apart = Math.abs(p.x - q.x) >= width || Math.abs(p.y - q.y) >= height;
        expect(apart).toBe(true);
      }
    }
  });

  it('gives the same positions for the same shape', () => {
    expect(layoutWorkflowGraph(buildWorkflowGraph(threePartTree()))).toEqual(positions);
  });

  it('returns top-left corners (React Flow) rather than dagre centres', () => {
    const single = layoutWorkflowGraph({ nodes: [graph.nodes[0]!], edges: [] }, { width: 100, height: 40 });
    const corner = single.get('task:root')!;
    expect(corner.x).toBeGreaterThanOrEqual(0);
    expect(corner.y).toBeGreaterThanOrEqual(0);
  });
});

describe('edgesForCommunication', () => {
  const tree = threePartTree();

  it('lights manager -> subtask -> worker for an instruction and for its result', () => {
    const instruction = { fromAgent: { id: 'm' }, toAgent: { id: 'w2' }, task: { id: 'b' } };
    const result = { fromAgent: { id: 'w2' }, toAgent: { id: 'm' }, task: { id: 'b' } };
    const path = [assignmentEdgeId('b'), executionEdgeId('b', 'w2')];
    expect(edgesForCommunication(tree, instruction).sort()).toEqual(path.sort());
    expect(edgesForCommunication(tree, result).sort()).toEqual(path.sort());
  });

  it('names the worker edge of an instruction that arrives before the subtask shows its worker', () => {
    const waiting = { ...tree, subtasks: [subtask('d')] };
    const instruction = { fromAgent: { id: 'm' }, toAgent: { id: 'w3' }, task: { id: 'd' } };
    expect(edgesForCommunication(waiting, instruction).sort()).toEqual([assignmentEdgeId('d'), executionEdgeId('d', 'w3')].sort());
  });

  it('lights nothing for the messages about the root (task, plan, final answer)', () => {
    expect(edgesForCommunication(tree, { fromAgent: null, toAgent: { id: 'm' }, task: { id: 'root' } })).toEqual([]);
    expect(edgesForCommunication(tree, { fromAgent: { id: 'm' }, toAgent: null, task: { id: 'root' } })).toEqual([]);
  });

  it('lights only the worker edge for a person writing to a worker about its subtask', () => {
    expect(edgesForCommunication(tree, { fromAgent: null, toAgent: { id: 'w1' }, task: { id: 'c' } })).toEqual([executionEdgeId('c', 'w1')]);
  });

  it('lights the paths to every subtask a worker runs for a manager message without a task', () => {
    const aside = { fromAgent: { id: 'm' }, toAgent: { id: 'w1' }, task: null };
    expect(edgesForCommunication(tree, aside).sort()).toEqual(
      [assignmentEdgeId('a'), executionEdgeId('a', 'w1'), assignmentEdgeId('c'), executionEdgeId('c', 'w1')].sort(),
    );
  });

  it('lights nothing for tasks and agents outside the workflow', () => {
    expect(edgesForCommunication(tree, { fromAgent: { id: 'm' }, toAgent: { id: 'w1' }, task: { id: 'other' } })).toEqual([]);
    expect(edgesForCommunication(tree, { fromAgent: null, toAgent: { id: 'stranger' }, task: null })).toEqual([]);
  });

  it('never names a dependency edge', () => {
    const all = tree.subtasks.flatMap((s) => edgesForCommunication(tree, { fromAgent: { id: 'm' }, toAgent: s.agent ?? null, task: { id: s.id } }));
    expect(all.some((id) => id === dependencyEdgeId('a', 'c'))).toBe(false);
  });
});

describe('EdgeLights', () => {
  const tree = threePartTree();
  const instructionForB = { fromAgent: { id: 'm' }, toAgent: { id: 'w2' }, task: { id: 'b' } };
  const resultOfA = { fromAgent: { id: 'w1' }, toAgent: { id: 'm' }, task: { id: 'a' } };

  it("lights a message's path for its duration from its arrival", () => {
    const lights = new EdgeLights(2000);
    lights.record(instructionForB, 1000);
    lights.record(resultOfA, 1500);
    expect([...lights.litAt(tree, 1600)].sort()).toEqual(
      [assignmentEdgeId('a'), executionEdgeId('a', 'w1'), assignmentEdgeId('b'), executionEdgeId('b', 'w2')].sort(),
    );
    expect(lights.nextExpiry()).toBe(3000);
    expect([...lights.litAt(tree, 3000)].sort()).toEqual([assignmentEdgeId('a'), executionEdgeId('a', 'w1')].sort());
    expect(lights.nextExpiry()).toBe(3500);
    expect(lights.litAt(tree, 3500).size).toBe(0);
    expect(lights.nextExpiry()).toBeUndefined();
  });

  it('lights an instruction that arrived before its subtask was on the canvas once the subtask appears', () => {
    const lights = new EdgeLights(2000);
    const planning: WorkflowTree = { ...tree, subtasks: [] };
    lights.record(instructionForB, 1000);
    expect(lights.litAt(planning, 1100).size).toBe(0);
    expect([...lights.litAt(tree, 1400)].sort()).toEqual([assignmentEdgeId('b'), executionEdgeId('b', 'w2')].sort());
  });

  it('keeps an edge lit while any message on it is recent', () => {
    const lights = new EdgeLights(2000);
    lights.record(resultOfA, 1000);
    lights.record({ fromAgent: { id: 'm' }, toAgent: { id: 'w1' }, task: { id: 'a' } }, 2500);
    expect(lights.litAt(tree, 3200).has(executionEdgeId('a', 'w1'))).toBe(true);
    expect(lights.litAt(tree, 4500).size).toBe(0);
  });

  it('forgets everything when cleared', () => {
    const lights = new EdgeLights(2000);
    lights.record(resultOfA, 1000);
    lights.clear();
    expect(lights.litAt(tree, 1000).size).toBe(0);
  });
});

describe('agentsOnCanvas', () => {
  it('lists the manager and each worker once', () => {
    expect(agentsOnCanvas(threePartTree())).toEqual(['m', 'w1', 'w2']);
    expect(agentsOnCanvas({ ...threePartTree(), manager: null, subtasks: [] })).toEqual([]);
  });
});

describe('the header figures', () => {
  it('shows DONE once the root has ended, whatever phase the workflow still reports', () => {
    expect(displayedPhase('SYNTHESIZING', 'SUCCEEDED')).toBe('DONE');
    expect(displayedPhase('RUNNING', 'CANCELLED')).toBe('DONE');
    expect(displayedPhase('RUNNING', 'PENDING')).toBe('RUNNING');
  });

  it('turns progress into a whole percentage within 0..100', () => {
    expect(progressPercent(0.25)).toBe(25);
    expect(progressPercent(2 / 3)).toBe(67);
    expect(progressPercent(1.2)).toBe(100);
    expect(progressPercent(Number.NaN)).toBe(0);
  });

  it('reads the plan summary only when the plan has one', () => {
    expect(planSummary({ summary: 'Two parts.', subtasks: [] })).toBe('Two parts.');
    expect(planSummary(null)).toBeUndefined();
    expect(planSummary({ summary: 3 })).toBeUndefined();
  });

  it('ids nodes by kind so a task and an agent never collide', () => {
    expect(taskNodeId('same')).not.toBe(agentNodeId('same'));
  });
});
