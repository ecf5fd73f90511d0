import fs from 'node:fs/promises';
import path from 'node:path';
import { startTestApp } from './support/test-app.js';
import { CREATE_SESSION, CREATE_AGENT } from './support/operations.js';
const t = await startTestApp();
try {
  const log = (x: unknown) => console.log(JSON.stringify(x));
  log(await t.gql(CREATE_SESSION, { input: { name: 'a', workingDirectory: '../../etc' } }));
  await fs.mkdir(t.workspaceRoot, { recursive: true });
  await fs.writeFile(path.join(t.workspaceRoot, 'file.txt'), 'x');
  log(await t.gql(CREATE_SESSION, { input: { name: 'a', workingDirectory: 'file.txt' } }));
  const outside = path.join(path.dirname(t.workspaceRoot), 'outside');
  await fs.mkdir(outside);
  await fs.symlink(outside, path.join(t.workspaceRoot, 'escape'));
  log(await t.gql(CREATE_SESSION, { input: { name: 'a', workingDirectory: 'escape/newdir' } }));
  console.log('outside contents', await fs.readdir(outside));
  const s = await t.gql(CREATE_SESSION, { input: { name: 'a' } });
  const sid = s.data.createSession.session.id;
  log(await t.gql(CREATE_AGENT, { input: { sessionId: sid, name: 'x', role: 'BOSS' } }));
  log(await t.gql(CREATE_AGENT, { input: { sessionId: sid, name: 'x', role: 'WORKER', allowedTools: ['--dangerously-skip-permissions'] } }));
  log(await t.gql(CREATE_AGENT, { input: { sessionId: sid, name: 'x', role: 'WORKER' } }));
  log(await t.gql(CREATE_AGENT, { input: { sessionId: sid, name: 'x', role: 'WORKER' } }));
  log(await t.gql('{ sessions(first: 101) { edges { cursor } } }'));
  log(await t.gql('{ tasks(after: "garbage") { edges { cursor } } }'));
  log(await t.gql('{ node(id: "garbage") { id } }'));
  log(await t.gql('mutation { cancelTask(id: "VGFzazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=") { __typename ... on NotFoundError { field entity id } } }'));
  for (const body of ['{"query": "{ __typename ', '{"query":"query($a: Int){ __typename }","variables":"{bad"}', '{"query":"query($a: Int){ __typename }","variables":"{\\"a\\":1}"}']) {
    const r = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    console.log(r.status, r.headers.get('content-type'), await r.text());
  }
  const r = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent('{bad')}`);
  console.log(r.status, await r.text());
} finally { await t.stop(); }
