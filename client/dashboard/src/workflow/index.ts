export { WorkflowCanvasPage } from './WorkflowCanvasPage';
export { WorkflowsPage } from './WorkflowsPage';
