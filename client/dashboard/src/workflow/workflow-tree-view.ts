import type { WorkflowCanvasPage_TaskNodeFragment, WorkflowCanvasPage_WorkflowTreeFragment } from '../../../gql/graphql';

export type TaskNodeView = WorkflowCanvasPage_TaskNodeFragment;
export type AgentView = NonNullable<TaskNodeView['agent']>;
export type WorkflowView = NonNullable<WorkflowCanvasPage_WorkflowTreeFragment['workflow']>;

/** A workflow's tree with every fragment read, as the canvas page and its detail panel use it. */
export interface WorkflowTreeView {
  root: TaskNodeView;
  session: WorkflowCanvasPage_WorkflowTreeFragment['session'];
  workflow: WorkflowView | null;
  subtasks: TaskNodeView[];
}
