import { Link } from 'wouter';

/** An agent's name linking to its page, or a stand-in when there is no agent (a person or the system). */
export function AgentLink({ agent, fallback }: { agent: { id: string; name: string } | null | undefined; fallback: string }) {
  if (!agent) return <span className="muted">{fallback}</span>;
  return <Link href={`/agents/${encodeURIComponent(agent.id)}`}>{agent.name}</Link>;
}
