import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../../../gql';
import { isGoneAgentStatus } from '../agents/agent-status';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { formatEnum } from '../ui/format';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../ui/typed-errors';

const SendMessage = graphql(`
  mutation SendMessageForm_Send($agentId: ID!, $content: String!) {
    sendMessage(agentId: $agentId, content: $content) {
      __typename
      ... on SendMessageSuccess {
        communication {
          id
        }
        task {
          id
          title
          status
          agent {
            id
          }
          session {
            id
          }
          parentTask {
            id
          }
          requiredRole
          createdAt
        }
      }
      ... on Error {
        code
        message
      }
      ... on InvalidInputError {
        field
      }
      ... on ConflictError {
        field
      }
      ... on NotFoundError {
        field
      }
    }
  }
`);

const Recipients = graphql(`
  query SendMessageForm_Recipients {
    agents(last: 100) {
      edges {
        node {
          id
          createdAt
          name
          status
          session {
            id
            name
          }
        }
      }
    }
  }
`);

/**
 * A person's message to an agent: it joins the task the agent is running, or starts one when the
 * agent is idle. With `agentId`, the message goes to that agent; without, a picker is shown
 * (starting at `defaultAgentId` when given).
 */
export function SendMessageForm({ agentId, defaultAgentId }: { agentId?: string; defaultAgentId?: string }) {
  const [recipient, setRecipient] = useState('');
  const [content, setContent] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [sent, setSent] = useState<{ taskId: string; taskTitle: string } | null>(null);
  const [{ fetching }, sendMessage] = useMutation(SendMessage);
  const [{ data }] = useQuery({ query: Recipients, pause: Boolean(agentId) });
  const agents = (data?.agents.edges ?? []).map((edge) => edge.node).filter((agent) => !isGoneAgentStatus(agent.status)).reverse();
  const preselected = agents.find((agent) => agent.id === defaultAgentId) ?? agents[0];
  const target = agentId ?? (recipient || preselected?.id || '');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSent(null);
    if (!target) {
      setErrors({ fields: { agentId: 'Choose an agent.' } });
      return;
    }
    const result = await sendMessage({ agentId: target, content });
    const outcome = result.data?.sendMessage;
    if (!outcome) {
      setErrors({ fields: {}, form: result.error?.message ?? 'The message could not be sent.' });
      return;
    }
    if (outcome.__typename === 'SendMessageSuccess') {
      setErrors(NO_ERRORS);
      setContent('');
      setSent({ taskId: outcome.task.id, taskTitle: outcome.task.title });
      return;
    }
    setErrors(toFormErrors(outcome, ['agentId', 'content']));
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="send-message-title">
      <h2 id="send-message-title" className="form__title">
        Talk to an agent
      </h2>
      {!agentId && (
        <Field label="Send to" error={errors.fields.agentId}>
          {(control) => (
            <select {...control} value={target} onChange={(event) => setRecipient(event.target.value)} disabled={agents.length === 0}>
              {agents.length === 0 && <option value="">No running agent</option>}
              {agents.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name} · {agent.session.name} ({formatEnum(agent.status).toLowerCase()})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {agentId && errors.fields.agentId && <ErrorMessage error={errors.fields.agentId} />}
      <Field label="Message" error={errors.fields.content}>
        {(control) => <textarea {...control} rows={3} value={content} required onChange={(event) => setContent(event.target.value)} />}
      </Field>
      <ErrorMessage error={errors.form} />
      {sent && (
        <p className="form__success" role="status">
          Sent; it is part of <Link href={`/tasks/${encodeURIComponent(sent.taskId)}`}>{sent.taskTitle}</Link>.
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={fetching} aria-busy={fetching}>
        Send
      </button>
    </form>
  );
}
