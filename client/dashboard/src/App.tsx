import { lazy, Suspense } from 'react';
import { Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { AgentDetailPage } from './agents/AgentDetailPage';
import { AgentsPage } from './agents/AgentsPage';
import { AuthProvider } from './api/AuthContext';
import type { AuthState } from './api/auth-state';
import type { TokenStore } from './api/auth-token';
import { ConnectionProvider } from './api/ConnectionContext';
import type { ConnectionState } from './api/connection-state';
import { LiveUpdates } from './api/LiveUpdates';
import { CommunicationsPage } from './communications/CommunicationsPage';
import { AppHeader } from './shell/AppHeader';
import { MainContent } from './shell/MainContent';
import { NotFoundPage } from './shell/NotFoundPage';
import { routeParam } from './shell/route-param';
import { SignInGate } from './shell/SignInGate';
import { SystemPage } from './system/SystemPage';
import { TaskDetailPage } from './tasks/TaskDetailPage';
import { TasksPage } from './tasks/TasksPage';
import { LoadingState } from './ui/LoadingState';

// The workflow canvas brings a graph library: loaded when a workflow page is first opened.
const WorkflowsPage = lazy(() => import('./workflow').then((module) => ({ default: module.WorkflowsPage })));
const WorkflowCanvasPage = lazy(() => import('./workflow').then((module) => ({ default: module.WorkflowCanvasPage })));

/**
 * The shell: navigation, connection indicator and the pages (hash routes; a page per id starts
 * afresh), or the sign-in screen in their place when the server refuses the token.
 */
export function App({ connection, auth, tokens }: { connection: ConnectionState; auth: AuthState; tokens: TokenStore }) {
  return (
    <AuthProvider state={auth} tokens={tokens}>
      <ConnectionProvider connection={connection}>
        <Router hook={useHashLocation}>
          <AppHeader />
          <MainContent>
            <SignInGate>
              <LiveUpdates />
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
            </SignInGate>
          </MainContent>
        </Router>
      </ConnectionProvider>
    </AuthProvider>
  );
}
