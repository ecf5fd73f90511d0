import { lazy, Suspense } from 'react';
import { Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { AgentDetailPage } from './agents/AgentDetailPage';
import { AgentsPage } from './agents/AgentsPage';
import { ConnectionProvider } from './api/ConnectionContext';
import type { ConnectionState } from './api/connection-state';
import { LiveUpdates } from './api/LiveUpdates';
import { CommunicationsPage } from './communications/CommunicationsPage';
import { AppHeader } from './shell/AppHeader';
import { MainContent } from './shell/MainContent';
import { NotFoundPage } from './shell/NotFoundPage';
import { routeParam } from './shell/route-param';
import { SystemPage } from './system/SystemPage';
import { TaskDetailPage } from './tasks/TaskDetailPage';
import { TasksPage } from './tasks/TasksPage';
import { LoadingState } from './ui/LoadingState';

// The workflow canvas brings a graph library: loaded when a workflow page is first opened.
const WorkflowsPage = lazy(() => import('./workflow').then((module) => ({ default: module.WorkflowsPage })));
const WorkflowCanvasPage = lazy(() => import('./workflow').then((module) => ({ default: module.WorkflowCanvasPage })));

/** The shell: navigation, connection indicator and the pages (hash routes; a page per id starts afresh). */
export function App({ connection }: { connection: ConnectionState }) {
  return (
    <ConnectionProvider connection={connection}>
      <Router hook={useHashLocation}>
        <LiveUpdates />
        <AppHeader />
        <MainContent>
          <Suspense fallback={<LoadingState />}>
            <Switch>
              <Route path="/" component={AgentsPage} />
              <Route path="/agents/:id">{(params) => <AgentDetailPage key={params.id} agentId={routeParam(params.id)} />}</Route>
              <Route path="/tasks" component={TasksPage} />
              <Route path="/tasks/:id">{(params) => <TaskDetailPage key={params.id} taskId={routeParam(params.id)} />}</Route>
              <Route path="/workflows" component={WorkflowsPage} />
              <Route path="/workflows/:taskId">{(params) => <WorkflowCanvasPage taskId={routeParam(params.taskId)} />}</Route>
              <Route path="/communications" component={CommunicationsPage} />
              <Route path="/system" component={SystemPage} />
              <Route component={NotFoundPage} />
            </Switch>
          </Suspense>
        </MainContent>
      </Router>
    </ConnectionProvider>
  );
}
