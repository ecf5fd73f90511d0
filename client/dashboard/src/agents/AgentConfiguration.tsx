import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { formatCost, formatEnum, formatMegabytes, formatTime } from '../ui/format';
import { Stat } from '../ui/Stat';

export const AgentConfigurationFragment = graphql(`
  fragment AgentConfiguration_Agent on Agent {
    id
    runtime
    model
    pid
    nodeId
    cliSessionId
    workingDirectory
    systemPrompt
    allowedTools
    disallowedTools
    permissionMode
    maxTurns
    maxBudgetUsd
    createdAt
    terminatedAt
    resourceLimits {
      turnTimeoutSeconds
      silenceTimeoutSeconds
      maxMemoryMb
      maxOutputBytes
    }
  }
`);

/** How the agent was set up: runtime, process, tools and limits. */
export function AgentConfiguration(props: { agent: FragmentType<typeof AgentConfigurationFragment> }) {
  const agent = readFragment(AgentConfigurationFragment, props.agent);
  const limits = agent.resourceLimits;
  return (
    <>
      <dl className="stats stats--wide">
        <Stat label="Runtime">{agent.runtime}</Stat>
        <Stat label="Model">{agent.model ?? 'CLI default'}</Stat>
        <Stat label="Process">{agent.pid ? `pid ${agent.pid}` : 'not running'}</Stat>
        <Stat label="Node">{agent.nodeId ?? '—'}</Stat>
        <Stat label="Permission mode">{formatEnum(agent.permissionMode)}</Stat>
        <Stat label="Max turns">{agent.maxTurns ?? 'no limit'}</Stat>
        <Stat label="Max budget">{agent.maxBudgetUsd != null ? formatCost(agent.maxBudgetUsd) : 'no limit'}</Stat>
        <Stat label="Turn timeout">{limits.turnTimeoutSeconds} s</Stat>
        <Stat label="Silence timeout">{limits.silenceTimeoutSeconds === 0 ? 'off' : `${limits.silenceTimeoutSeconds} s`}</Stat>
        <Stat label="Memory limit">{formatMegabytes(limits.maxMemoryMb)}</Stat>
        <Stat label="Output limit">{formatMegabytes(limits.maxOutputBytes / 1_048_576)}</Stat>
        <Stat label="Created">{formatTime(agent.createdAt)}</Stat>
        {agent.terminatedAt && <Stat label="Terminated">{formatTime(agent.terminatedAt)}</Stat>}
      </dl>
      <dl className="details-list">
        <dt>Working directory</dt>
        <dd>
          <code>{agent.workingDirectory}</code>
        </dd>
        <dt>Claude session</dt>
        <dd>
          <code>{agent.cliSessionId}</code>
        </dd>
        <dt>Allowed tools</dt>
        <dd>{agent.allowedTools.length > 0 ? agent.allowedTools.map((tool) => <code key={tool}>{tool}</code>) : <span className="muted">none beyond the defaults</span>}</dd>
        {agent.disallowedTools.length > 0 && (
          <>
            <dt>Disallowed tools</dt>
            <dd>
              {agent.disallowedTools.map((tool) => (
                <code key={tool}>{tool}</code>
              ))}
            </dd>
          </>
        )}
        <dt>System prompt</dt>
        <dd>{agent.systemPrompt ? <div className="prose">{agent.systemPrompt}</div> : <span className="muted">none</span>}</dd>
      </dl>
    </>
  );
}
