/**
 * GraphiQL opens with example tabs (a session and an agent, a workflow, a live transcript). The
 * examples must be in the page, valid against the schema, and work when run one after another
 * as a visitor would, the subscription over graphql-ws as GraphiQL runs it.
 */
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLE_TABS, PASTE_SESSION_ID, type GraphiQLExampleTab } from '../../server/http/graphiql-examples.js';
import { schema } from '../../server/schema/index.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

const [sessionTab, workflowTab, eventsTab] = GRAPHIQL_EXAMPLE_TABS as [GraphiQLExampleTab, GraphiQLExampleTab, GraphiQLExampleTab];

function operationsOf(tab: GraphiQLExampleTab): OperationDefinitionNode[] {
  return parse(tab.query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

/** The tab's variables as a visitor edits them: the placeholders replaced. */
function variablesOf(tab: GraphiQLExampleTab, replacements: Record<string, unknown>): Record<string, unknown> {
  return { ...(JSON.parse(tab.variables ?? '{}') as Record<string, unknown>), ...replacements };
}

/** A scripted plan for the fake agent CLI: the manager answers with it instead of planning. */
const PLAN = { plan: { summary: 'one step', subtasks: [{ key: 'only', title: 'List', instructions: 'Do it.', dependsOn: [] }] } };
const ONE_STEP_PLAN = '```fake-plan\n' + JSON.stringify(PLAN) + '\n```';

describe('GraphiQL example operations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { SCHEDULER_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are in the page GraphiQL serves, which sends subscriptions over graphql-ws', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    // The options are embedded as JSON, so each string appears JSON-encoded.
    for (const tab of GRAPHIQL_EXAMPLE_TABS) {
      expect(html).toContain(JSON.stringify(tab.query));
      if (tab.variables) expect(html).toContain(JSON.stringify(tab.variables));
    }
    expect(html).toContain('"subscriptionsProtocol":"WS"');
  });

  it('cover creating a session and an agent, startWorkflow and taskEvents', () => {
    const fields = GRAPHIQL_EXAMPLE_TABS.flatMap(operationsOf).map((operation) => {
      const [field] = operation.selectionSet.selections;
      return `${operation.operation} ${field?.kind === Kind.FIELD ? field.name.value : '?'}`;
    });
    expect(fields).toEqual(expect.arrayContaining(['mutation createSession', 'mutation createAgent', 'mutation startWorkflow', 'subscription taskEvents']));
  });

  it.each(GRAPHIQL_EXAMPLE_TABS.map((tab) => [operationsOf(tab)[0]?.name?.value, tab] as const))(
    '%s tab: every operation is valid against the schema and its variables are given',
    (_name, tab) => {
      expect(validate(schema, parse(tab.query)).map((error) => error.message)).toEqual([]);
      const given = variablesOf(tab, {});
      for (const operation of operationsOf(tab)) {
        expect(operation.name, 'operations are named, so GraphiQL can list them').toBeDefined();
        for (const variable of operation.variableDefinitions ?? []) {
          if (!variable.defaultValue) expect(given).toHaveProperty(variable.variable.name.value);
        }
      }
    },
  );

  it('work when run in order: the session, the agent, the workflow, then its transcript live until it ends', async () => {
    const run = async (tab: GraphiQLExampleTab, operationName: string, variables: Record<string, unknown>, query = tab.query) => {
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, operationName, variables }),
      });
      const result = (await response.json()) as GraphQLResponse;
      expect(result.errors).toBeUndefined();
      return result.data!;
    };

    const { createSession } = await run(sessionTab, 'CreateSession', variablesOf(sessionTab, {}));
    expect(createSession.__typename).toBe('CreateSessionSuccess');
    const sessionId = createSession.session.id as string;
    const { createAgent } = await run(sessionTab, 'CreateAgent', {}, sessionTab.query.replace(PASTE_SESSION_ID, sessionId));
    expect(createAgent).toMatchObject({ __typename: 'CreateAgentSuccess', agent: { role: 'WORKER' } });

    const description = `${variablesOf(workflowTab, {}).description}\n\n${ONE_STEP_PLAN}`;
    const { startWorkflow } = await run(workflowTab, 'StartWorkflow', variablesOf(workflowTab, { sessionId, description }));
    expect(startWorkflow).toMatchObject({ __typename: 'StartWorkflowSuccess', task: { workflow: { phase: 'PLANNING' } } });
    const taskId = startWorkflow.task.id as string;

    const events: { seq: number; kind: string; payload: { to?: string } }[] = [];
    await new Promise<void>((resolve, reject) => {
      t.wsClient().subscribe(
        { query: eventsTab.query, operationName: 'TaskEvents', variables: variablesOf(eventsTab, { taskId }) },
        {
          next: (value) => (value.errors ? reject(new Error(JSON.stringify(value.errors))) : events.push((value.data as any).taskEvents)),
          error: reject,
          complete: resolve,
        },
      );
    });
    // Replayed from the first event, gap-free, and complete once the task has ended.
    expect(events.map((event) => event.seq)).toEqual(events.map((_event, index) => index + 1));
    expect(events.at(-1)).toMatchObject({ kind: 'STATUS', payload: { to: 'SUCCEEDED' } });

    const { task } = await run(workflowTab, 'WorkflowProgress', variablesOf(workflowTab, { taskId }));
    expect(task).toMatchObject({ status: 'SUCCEEDED', progress: 1, workflow: { phase: 'DONE' }, subtasks: [{ title: 'List', status: 'SUCCEEDED' }] });
  });
});
