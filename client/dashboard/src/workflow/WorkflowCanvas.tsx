import { Background, Controls, MarkerType, Position, ReactFlow, type Edge, type NodeHandle, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef } from 'react';
import { OpenNodeContext } from './open-node-context';
import { graphShapeKey, type WorkflowEdgeKind, type WorkflowGraph } from './workflow-graph';
import { layoutWorkflowGraph, WORKFLOW_NODE_SIZE } from './workflow-layout';
import { WorkflowNodeCard, type WorkflowFlowNode } from './WorkflowNodeCard';

const nodeTypes = { workflow: WorkflowNodeCard };

const { width: NODE_WIDTH, height: NODE_HEIGHT } = WORKFLOW_NODE_SIZE;
/** Where React Flow's default 6px handles sit on the card's left and right edges (see style.css). */
const HANDLE_SIZE = 6;
const HANDLES: NodeHandle[] = [
  { type: 'target', position: Position.Left, x: -HANDLE_SIZE / 2, y: NODE_HEIGHT / 2 - HANDLE_SIZE / 2, width: HANDLE_SIZE, height: HANDLE_SIZE },
  { type: 'source', position: Position.Right, x: NODE_WIDTH - HANDLE_SIZE / 2, y: NODE_HEIGHT / 2 - HANDLE_SIZE / 2, width: HANDLE_SIZE, height: HANDLE_SIZE },
];
const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.2 };

interface WorkflowCanvasProps {
  graph: WorkflowGraph;
  activeEdgeIds: ReadonlySet<string>;
  openNodeId: string | null;
  onOpenNode: (nodeId: string) => void;
}

/** The workflow drawn with React Flow: laid out by dagre, read-only, statuses and lit edges live. */
export function WorkflowCanvas({ graph, activeEdgeIds, openNodeId, onOpenNode }: WorkflowCanvasProps) {
  const shape = graphShapeKey(graph);
  // Keyed by the shape alone: laid out again when nodes or edges come or go, never on a status change.
  const positions = useMemo(() => layoutWorkflowGraph(graph), [shape]);

  const nodes = useMemo<WorkflowFlowNode[]>(
    () =>
      graph.nodes.map((node) => ({
        ...node,
        position: positions.get(node.id) ?? { x: 0, y: 0 },
        // Every node object is new after a status change: with its size and handles given, React
        // Flow needs no new measuring, so edges stay drawn and fitView can run at once.
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
        handles: HANDLES,
        selected: node.id === openNodeId,
      })),
    [graph, positions, openNodeId],
  );

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((edge) => {
        const active = activeEdgeIds.has(edge.id);
        return {
          id: edge.id,
          source: edge.source,
          target: edge.target,
          type: edge.kind === 'dependency' ? 'smoothstep' : 'default',
          className: `edge-${edge.kind}${active ? ' edge-active' : ''}`,
          animated: active,
          // In user space, so that a lit (thicker) edge keeps the same arrowhead.
          markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, markerUnits: 'userSpaceOnUse' },
          ariaLabel: edgeDescription(edge.kind),
        };
      }),
    [graph, activeEdgeIds],
  );

  const flow = useRef<ReactFlowInstance<WorkflowFlowNode, Edge> | null>(null);
  const container = useRef<HTMLDivElement>(null);

  // A new layout (the plan accepted, a worker joining) may not fit the view any more.
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.current?.fitView({ ...FIT_VIEW_OPTIONS, duration: 250 }));
    return () => cancelAnimationFrame(frame);
  }, [shape]);

  // Nor may a resized canvas (the detail panel opening beside it, a phone turned).
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => void flow.current?.fitView(FIT_VIEW_OPTIONS));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);

  return (
    <OpenNodeContext.Provider value={onOpenNode}>
      <div ref={container} className="wf-canvas" role="region" aria-label="Workflow graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onInit={(instance) => {
            flow.current = instance;
          }}
          onNodeClick={(_event, node) => onOpenNode(node.id)}
          fitView
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.2}
          nodesDraggable={false}
          nodesConnectable={false}
          // The node cards take focus and keys themselves (see WorkflowNodeCard).
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
        >
          <Background gap={24} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </OpenNodeContext.Provider>
  );
}

function edgeDescription(kind: WorkflowEdgeKind): string {
  switch (kind) {
    case 'assignment':
      return 'manager assigns subtask';
    case 'execution':
      return 'subtask runs on worker';
    case 'dependency':
      return 'subtask waits for another';
  }
}
