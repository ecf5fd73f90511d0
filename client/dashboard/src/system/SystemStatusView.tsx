import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { formatDuration, formatMegabytes, formatTime } from '../ui/format';
import { Meter } from '../ui/Meter';
import { Stat } from '../ui/Stat';
import { StatusBadge } from '../ui/StatusBadge';

export const SystemStatusFragment = graphql(`
  fragment SystemStatusView_Status on SystemStatus {
    at
    nodeId
    activeAgents
    agents {
      status
      count
    }
    tasks {
      pending
      queued
      running
    }
    node {
      loadAverage1m
      cpus
      rssMb
      heapUsedMb
      freeMemoryMb
      totalMemoryMb
      uptimeSeconds
      agentProcesses
      maxAgentProcesses
      slowConnectionsCutOff
    }
  }
`);

/** Agents by status, the task queue and the load of the node that answered. */
export function SystemStatusView(props: { status: FragmentType<typeof SystemStatusFragment> }) {
  const status = readFragment(SystemStatusFragment, props.status);
  const { node, tasks } = status;
  const usedMemory = node.totalMemoryMb - node.freeMemoryMb;
  return (
    <div className="system-status">
      <section className="panel" aria-labelledby="agents-by-status">
        <h2 id="agents-by-status">Agents</h2>
        <p className="big-number">
          {status.activeAgents} <span className="big-number__unit">active</span>
        </p>
        <ul className="status-counts">
          {status.agents.map((entry) => (
            <li key={entry.status} className={entry.count === 0 ? 'status-counts__item status-counts__item--zero' : 'status-counts__item'}>
              <StatusBadge status={entry.status} /> <span className="status-counts__count">{entry.count}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="task-queue">
        <h2 id="task-queue">Task queue</h2>
        <dl className="stats">
          <Stat label="Running">{tasks.running}</Stat>
          <Stat label="Queued">{tasks.queued}</Stat>
          <Stat label="Pending">{tasks.pending}</Stat>
        </dl>
      </section>
      <section className="panel" aria-labelledby="node-load">
        <h2 id="node-load">
          Node <span className="muted">{status.nodeId}</span>
        </h2>
        <Meter label="Load (1 min)" value={node.loadAverage1m} max={node.cpus} text={`${node.loadAverage1m.toFixed(2)} on ${node.cpus} CPU${node.cpus === 1 ? '' : 's'}`} />
        <Meter label="Machine memory" value={usedMemory} max={node.totalMemoryMb} text={`${formatMegabytes(usedMemory)} of ${formatMegabytes(node.totalMemoryMb)}`} />
        <Meter
          label="Agent processes"
          value={node.agentProcesses}
          max={node.maxAgentProcesses}
          text={`${node.agentProcesses} of ${node.maxAgentProcesses}`}
        />
        <dl className="stats">
          <Stat label="Server memory">{formatMegabytes(node.rssMb)}</Stat>
          <Stat label="Heap">{formatMegabytes(node.heapUsedMb)}</Stat>
          <Stat label="Server uptime">{formatDuration(node.uptimeSeconds * 1000)}</Stat>
          <Stat label="Slow clients cut off">{node.slowConnectionsCutOff}</Stat>
        </dl>
        <p className="muted small">As of {formatTime(status.at)}</p>
      </section>
    </div>
  );
}
