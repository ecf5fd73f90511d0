import { useEffect, useRef, type KeyboardEvent } from 'react';
import { agentNodeId, taskNodeId } from '../workflow-graph';
import type { AgentView, TaskNodeView, WorkflowTreeView } from '../workflow-tree-view';
import { AgentDetail } from './AgentDetail';
import { RootDetail } from './RootDetail';
import { SubtaskDetail } from './SubtaskDetail';

interface NodeDetailPanelProps {
  nodeId: string;
  tree: WorkflowTreeView;
  onClose: () => void;
}

type Subject = { kind: 'root'; task: TaskNodeView } | { kind: 'subtask'; task: TaskNodeView } | { kind: 'agent'; agent: AgentView };

/**
 * The detail of the node opened on the canvas, beside it (below it on a phone). Takes the focus
 * when it opens and gives it back to the node when it closes; Escape closes it.
 */
export function NodeDetailPanel({ nodeId, tree, onClose }: NodeDetailPanelProps) {
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const element = panel.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    heading.current?.focus({ preventScroll: true });
    // Below the canvas on a narrow screen, the panel may start under the fold.
    element?.scrollIntoView({ block: 'nearest' });
    return () => {
      // Only when the focus was in the panel (and went with it). When another node was opened, the
      // focus is on that node, which the next panel (keyed by node) must take as its opener.
      const focused = document.activeElement;
      const focusWasInPanel = !focused || focused === document.body || Boolean(element?.contains(focused));
      if (focusWasInPanel && opener?.isConnected) opener.focus({ preventScroll: true });
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape') onClose();
  };

  const subject = findSubject(nodeId, tree);
  return (
    <aside
      ref={panel}
      id="workflow-node-detail"
      className="panel wf-detail"
      data-testid="node-detail"
      aria-labelledby="workflow-node-detail-title"
      onKeyDown={onKeyDown}
    >
      <div className="wf-detail__head">
        <h2 id="workflow-node-detail-title" ref={heading} tabIndex={-1}>
          {subject?.kind === 'agent' ? subject.agent.name : (subject?.task.title ?? 'Not in this workflow')}
        </h2>
        <button type="button" className="button wf-detail__close" onClick={onClose} aria-label="Close detail">
          ×
        </button>
      </div>
      {subject?.kind === 'root' ? <RootDetail tree={tree} /> : null}
      {subject?.kind === 'subtask' ? <SubtaskDetail task={subject.task} tree={tree} /> : null}
      {subject?.kind === 'agent' ? <AgentDetail agent={subject.agent} tree={tree} /> : null}
      {!subject ? <p className="wf-muted">This node is no longer part of the workflow.</p> : null}
    </aside>
  );
}

function findSubject(nodeId: string, tree: WorkflowTreeView): Subject | null {
  if (nodeId === taskNodeId(tree.root.id)) return { kind: 'root', task: tree.root };
  const subtask = tree.subtasks.find((task) => taskNodeId(task.id) === nodeId);
  if (subtask) return { kind: 'subtask', task: subtask };
  const agent = tree.subtasks.map((task) => task.agent).find((candidate) => candidate && agentNodeId(candidate.id) === nodeId);
  return agent ? { kind: 'agent', agent } : null;
}
