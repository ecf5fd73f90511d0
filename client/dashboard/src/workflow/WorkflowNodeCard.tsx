import { Handle, Position, useReactFlow, type Node, type NodeProps } from '@xyflow/react';
import { useContext, type FocusEvent, type KeyboardEvent } from 'react';
import { formatEnum } from '../ui/format';
import { statusTone } from '../ui/status-tone';
import { OpenNodeContext } from './open-node-context';
import type { WorkflowNodeData } from './workflow-graph';

export type WorkflowFlowNode = Node<WorkflowNodeData, 'workflow'>;

const KIND_LABELS = { root: 'Workflow', subtask: 'Subtask', agent: 'Worker' } as const;

/**
 * One node of the canvas: a card coloured by its status, focusable, opening its detail with Enter
 * or Space (a click goes through the canvas's onNodeClick).
 */
export function WorkflowNodeCard({ id, data, selected, positionAbsoluteX, positionAbsoluteY, width, height }: NodeProps<WorkflowFlowNode>) {
  const openNode = useContext(OpenNodeContext);
  const { setCenter, getZoom } = useReactFlow();

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    openNode(id);
  };

  // Keyboard focus may land on a node outside the view: bring it in, as React Flow does for its own.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.matches(':focus-visible')) return;
    const pane = event.currentTarget.closest('.react-flow')?.getBoundingClientRect();
    const card = event.currentTarget.getBoundingClientRect();
    const inView = pane && card.left >= pane.left && card.right <= pane.right && card.top >= pane.top && card.bottom <= pane.bottom;
    if (!inView) void setCenter(positionAbsoluteX + (width ?? 0) / 2, positionAbsoluteY + (height ?? 0) / 2, { zoom: getZoom(), duration: 200 });
  };

  const kindLabel = KIND_LABELS[data.kind];
  return (
    <div
      className={`wf-node wf-node--${data.kind}${selected ? ' is-open' : ''}`}
      data-testid="workflow-node"
      data-kind={data.kind}
      data-status={data.status}
      data-tone={statusTone(data.status)}
      data-task-id={data.kind === 'agent' ? undefined : data.taskId}
      data-agent-id={data.kind === 'agent' ? data.agentId : undefined}
      data-manager-id={data.kind === 'root' ? data.agentId : undefined}
      role="button"
      tabIndex={0}
      aria-label={`${kindLabel} ${data.label}, ${data.status.toLowerCase()}${data.caption ? `, ${data.caption}` : ''}`}
      aria-expanded={selected}
      aria-controls={selected ? 'workflow-node-detail' : undefined}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      {data.kind !== 'root' ? <Handle type="target" position={Position.Left} isConnectable={false} /> : null}
      <div className="wf-node__head">
        <span className="wf-node__kind">{kindLabel}</span>
        <span className="wf-node__status">{data.status}</span>
      </div>
      <div className="wf-node__label" title={data.label}>
        {data.label}
      </div>
      {data.caption ? (
        <div className="wf-node__caption" data-tone={data.captionStatus ? statusTone(data.captionStatus) : undefined}>
          {data.caption}
          {data.captionStatus ? ` · ${formatEnum(data.captionStatus)}` : ''}
        </div>
      ) : null}
      {data.kind !== 'agent' ? <Handle type="source" position={Position.Right} isConnectable={false} /> : null}
    </div>
  );
}
