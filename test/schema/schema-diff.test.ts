/**
 * npm run schema:diff on scratch SDL files: a breaking change fails the check unless it is
 * acknowledged with a reason; safe changes pass and are listed.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/schema-diff.ts', import.meta.url));

const RELEASED = `
type Query {
  agent(id: ID!): Agent
}

type Agent {
  id: ID!
  name: String!
  pid: Int
}
`;

describe('schema:diff', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-schema-diff-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Runs the check of `current` against RELEASED, with these acknowledgements (none when absent). */
  async function schemaDiff(name: string, current: string, acknowledgements?: unknown) {
    const files = { released: path.join(dir, `${name}.released.graphql`), current: path.join(dir, `${name}.graphql`), acknowledged: path.join(dir, `${name}.json`) };
    await fs.writeFile(files.released, RELEASED);
    await fs.writeFile(files.current, current);
    if (acknowledgements !== undefined) await fs.writeFile(files.acknowledged, JSON.stringify(acknowledgements));
    const args = Object.entries(files).flatMap(([option, file]) => [`--${option}`, file]);
    const { exitCode, stdout, stderr } = await execa(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { reject: false });
    return { exitCode, output: `${stdout}\n${stderr}` };
  }

  const withoutPid = RELEASED.replace('  pid: Int\n', '');

  it('fails on a breaking change and names it', async () => {
    const { exitCode, output } = await schemaDiff('removed', withoutPid);
    expect(exitCode).toBe(1);
    expect(output).toContain("BREAKING     Field 'pid' was removed from object type 'Agent'  (Agent.pid)");
    expect(output).toMatch(/1 breaking change not acknowledged/);
  });

  it('passes a breaking change acknowledged by path or by message, and shows the reason', async () => {
    const byPath = await schemaDiff('by-path', withoutPid, [{ path: 'Agent.pid', reason: 'pids are node-local; clients use nodeId' }]);
    expect(byPath.exitCode).toBe(0);
    expect(byPath.output).toContain('acknowledged: pids are node-local; clients use nodeId');

    const byMessage = await schemaDiff('by-message', withoutPid, [
      { message: "Field 'pid' was removed from object type 'Agent'", reason: 'removed on purpose' },
    ]);
    expect(byMessage.exitCode).toBe(0);
  });

  it('passes safe changes and lists them', async () => {
    const added = RELEASED.replace('  pid: Int\n', '  pid: Int\n  """When it started."""\n  startedAt: String\n');
    const { exitCode, output } = await schemaDiff('added', added, []);
    expect(exitCode).toBe(0);
    expect(output).toContain("NON_BREAKING Field 'startedAt' was added to object type 'Agent'");
    expect(output).toContain('No unacknowledged breaking change.');
  });

  it('still fails when the acknowledgement is for another change, and notes the stale one', async () => {
    const { exitCode, output } = await schemaDiff('stale', withoutPid, [{ path: 'Agent.name', reason: 'an old release' }]);
    expect(exitCode).toBe(1);
    expect(output).toContain('the acknowledgement of the path Agent.name matches no change');
  });

  it('refuses an acknowledgement without a reason', async () => {
    const { exitCode, output } = await schemaDiff('no-reason', withoutPid, [{ path: 'Agent.pid' }]);
    expect(exitCode).toBe(2);
    expect(output).toMatch(/must be a JSON array/);
  });
});
