import { PageHeader } from '../ui/PageHeader';
import { usePageTitle } from '../ui/usePageTitle';
import { IncidentList } from './IncidentList';
import { MetricsCharts } from './MetricsCharts';
import { SystemStatusPanel } from './SystemStatusPanel';

/** How the system is doing: live status, activity over time, and incidents. */
export function SystemPage() {
  usePageTitle('System');
  return (
    <div className="page">
      <PageHeader title="System" />
      <SystemStatusPanel />
      <section className="panel" aria-labelledby="activity-title">
        <h2 id="activity-title">Activity of the last hour</h2>
        <MetricsCharts />
      </section>
      <section className="panel" aria-labelledby="incidents-title">
        <h2 id="incidents-title">Incidents</h2>
        <IncidentList />
      </section>
    </div>
  );
}
