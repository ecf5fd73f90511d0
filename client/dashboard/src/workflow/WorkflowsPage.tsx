import { useCallback, useState } from 'react';
import type { SessionChoice } from '../sessions/session-choice';
import { EmptyState } from '../ui/EmptyState';
import { PageHeader } from '../ui/PageHeader';
import { usePageTitle } from '../ui/usePageTitle';
import { StartWorkflowForm } from './StartWorkflowForm';
import { WorkflowList } from './WorkflowList';
import './workflow.css';

const CHOSEN_SESSION_KEY = 'dashboard.workflows.sessionId';

/** `#/workflows`: the form that starts a workflow, and the workflows of the session chosen in it. */
export function WorkflowsPage() {
  usePageTitle('Workflows');
  const [session, setSession] = useState<SessionChoice | null>(null);
  const [preferredSessionId] = useState(readChosenSession);

  const chooseSession = useCallback((choice: SessionChoice) => {
    setSession(choice);
    // Remembered so that coming back from a canvas shows the same session.
    if (choice.kind === 'existing') rememberChosenSession(choice.sessionId);
  }, []);

  return (
    <section className="wf-page wf-workflows-page">
      <PageHeader title="Workflows" meta="A manager plans the work into subtasks, workers do them, the manager writes the answer." />
      <div className="wf-workflows-layout">
        <StartWorkflowForm session={session} onSessionChange={chooseSession} preferredSessionId={preferredSessionId} />
        <section aria-labelledby="workflow-list-title">
          <h2 id="workflow-list-title">Workflows of the session</h2>
          {session?.kind === 'existing' ? <WorkflowList sessionId={session.sessionId} /> : null}
          {session?.kind === 'new' ? (
            <EmptyState title="A new session has no workflow yet">It is created when you start its first workflow.</EmptyState>
          ) : null}
        </section>
      </div>
    </section>
  );
}

function readChosenSession(): string | undefined {
  try {
    return localStorage.getItem(CHOSEN_SESSION_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function rememberChosenSession(sessionId: string): void {
  try {
    localStorage.setItem(CHOSEN_SESSION_KEY, sessionId);
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts for this visit.
  }
}
