import { useCallback, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { ErrorMessage } from '../ui/ErrorMessage';
import { LoadingState } from '../ui/LoadingState';
import { PageHeader } from '../ui/PageHeader';
import { StatusBadge } from '../ui/StatusBadge';
import { usePageTitle } from '../ui/usePageTitle';
import { NodeDetailPanel } from './detail/NodeDetailPanel';
import { PhaseBadge } from './PhaseBadge';
import { useActiveEdges } from './useActiveEdges';
import { useWorkflowLiveUpdates } from './useWorkflowLiveUpdates';
import { WorkflowCanvas } from './WorkflowCanvas';
import { agentsOnCanvas, buildWorkflowGraph, displayedPhase, type WorkflowTree } from './workflow-graph';
import { WorkflowProgress } from './WorkflowProgress';
import type { WorkflowTreeView } from './workflow-tree-view';
import './workflow.css';

/** What a node and its detail panel show of a task. */
const TaskNodeFragment = graphql(`
  fragment WorkflowCanvasPage_TaskNode on Task {
    id
    title
    status
    attempts
    maxAttempts
    costUsd
    progress
    result
    startedAt
    finishedAt
    error {
      type
      message
    }
    agent {
      id
      name
      role
      status
      model
      totalCostUsd
      lastError
    }
    dependsOn {
      id
    }
  }
`);

/** The whole tree: root, manager, plan state and subtasks; the root's live updates carry it too. */
const WorkflowTreeFragment = graphql(`
  fragment WorkflowCanvasPage_WorkflowTree on Task {
    ...WorkflowCanvasPage_TaskNode
    session {
      id
      name
    }
    workflow {
      phase
      maxWorkers
      workerModel
      subtaskMaxAttempts
      plan
      rejectedPlans
      planErrors
      manager {
        id
        name
        role
        status
        model
        totalCostUsd
        lastError
      }
    }
    subtasks {
      ...WorkflowCanvasPage_TaskNode
    }
  }
`);

const WorkflowTreeQuery = graphql(`
  query WorkflowCanvasPage_Tree($id: ID!) {
    task(id: $id) {
      __typename
      ... on Task {
        ...WorkflowCanvasPage_WorkflowTree
      }
      ... on Error {
        code
        message
      }
      ... on InvalidInputError {
        field
      }
    }
  }
`);

// readFragment only narrows the type (fragment masking); it is no hook despite its generated name.
function readWorkflowTree(data: FragmentType<typeof WorkflowTreeFragment>): WorkflowTreeView {
  const tree = readFragment(WorkflowTreeFragment, data);
  return {
    root: readFragment(TaskNodeFragment, tree),
    session: tree.session,
    workflow: tree.workflow,
    subtasks: tree.subtasks.map((subtask) => readFragment(TaskNodeFragment, subtask)),
  };
}

function toGraphInput(view: WorkflowTreeView): WorkflowTree {
  return { root: view.root, manager: view.workflow?.manager ?? null, subtasks: view.subtasks };
}

/** `#/workflows/:taskId`: the live canvas of one workflow, with the detail of the node opened. */
export function WorkflowCanvasPage({ taskId }: { taskId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: WorkflowTreeQuery,
    variables: { id: taskId },
    requestPolicy: 'cache-and-network',
  });
  // Kept with its workflow, so that moving to another workflow closes the panel.
  const [opened, setOpened] = useState<{ taskId: string; nodeId: string } | null>(null);
  const openNodeId = opened?.taskId === taskId ? opened.nodeId : null;
  const openNode = useCallback((nodeId: string) => setOpened({ taskId, nodeId }), [taskId]);

  const task = data?.task;
  const view = useMemo(() => (task?.__typename === 'Task' ? readWorkflowTree(task) : null), [task]);
  const tree = useMemo(() => (view ? toGraphInput(view) : null), [view]);
  const graph = useMemo(() => (tree ? buildWorkflowGraph(tree) : null), [tree]);
  const sessionId = view?.session.id;

  const agentIds = useMemo(() => new Set(tree ? agentsOnCanvas(tree) : []), [tree]);
  useWorkflowLiveUpdates({ rootTaskId: taskId, sessionId, agentIds, refetch });
  const activeEdgeIds = useActiveEdges(sessionId, tree);
  usePageTitle(view ? `Workflow: ${view.root.title}` : 'Workflow');

  if (!data && fetching) return <LoadingState label="Loading the workflow…" />;
  if (error && !data) return <ErrorMessage error={error} />;
  if (!task || !view || !graph) {
    return (
      <section className="wf-page">
        <a href="#/workflows">← Workflows</a>
        <ErrorMessage title="This workflow cannot be shown." error={task && 'message' in task ? task : 'It was not found.'} />
      </section>
    );
  }
  if (!view.workflow) {
    return (
      <section className="wf-page">
        <a href="#/workflows">← Workflows</a>
        <p>
          “{view.root.title}” is a task, not a workflow. <a href={`#/tasks/${encodeURIComponent(view.root.id)}`}>Open the task</a>
        </p>
      </section>
    );
  }

  const phase = displayedPhase(view.workflow.phase, view.root.status);
  return (
    <section className="wf-page wf-canvas-page">
      <a href="#/workflows">← Workflows</a>
      <PageHeader
        title={view.root.title}
        meta={
          <div className="wf-canvas-summary">
            <StatusBadge status={view.root.status} />
            <PhaseBadge phase={phase} />
            <WorkflowProgress progress={view.root.progress} />
            <span className="wf-muted">
              {view.subtasks.length} subtask{view.subtasks.length === 1 ? '' : 's'} · session {view.session.name}
            </span>
          </div>
        }
      >
        <a href={`#/tasks/${encodeURIComponent(view.root.id)}`}>Root task page</a>
      </PageHeader>
      {error ? <ErrorMessage error={error} /> : null}
      <div className="wf-canvas-layout">
        <WorkflowCanvas graph={graph} activeEdgeIds={activeEdgeIds} openNodeId={openNodeId} onOpenNode={openNode} />
        {openNodeId ? <NodeDetailPanel key={openNodeId} nodeId={openNodeId} tree={view} onClose={() => setOpened(null)} /> : null}
      </div>
    </section>
  );
}
