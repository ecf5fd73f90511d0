import dagre from '@dagrejs/dagre';
import type { WorkflowGraph } from './workflow-graph.js';

export interface Point {
  x: number;
  y: number;
}

export interface NodeSize {
  width: number;
  height: number;
}

/** Every node is drawn at this size (the node card's CSS matches), so the layout needs no measuring. */
export const WORKFLOW_NODE_SIZE: NodeSize = { width: 220, height: 76 };

/**
 * Left-to-right layered layout: root, then subtasks (a dependent one a layer after what it
 * waits for), then workers. Returns each node's top-left corner, as React Flow places nodes.
 */
export function layoutWorkflowGraph(graph: WorkflowGraph, size: NodeSize = WORKFLOW_NODE_SIZE): Map<string, Point> {
  const layout = new dagre.graphlib.Graph({ multigraph: true });
  layout.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, marginx: 16, marginy: 16 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) layout.setNode(node.id, { width: size.width, height: size.height });
  for (const edge of graph.edges) {
    if (layout.hasNode(edge.source) && layout.hasNode(edge.target)) layout.setEdge(edge.source, edge.target, {}, edge.id);
  }
  dagre.layout(layout);

  const positions = new Map<string, Point>();
  for (const node of graph.nodes) {
    const placed = layout.node(node.id) as { x?: number; y?: number } | undefined;
    // dagre gives centres; React Flow wants corners.
    positions.set(node.id, { x: (placed?.x ?? 0) - size.width / 2, y: (placed?.y ?? 0) - size.height / 2 });
  }
  return positions;
}
