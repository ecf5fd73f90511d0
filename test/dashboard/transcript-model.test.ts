/** How the dashboard reads a task's transcript events: entries, tool pairing and the live tail. */
import { describe, expect, it } from 'vitest';
import {
  contentText,
  readEntry,
  severityOf,
  tailLines,
  toolResultsByCall,
  type TranscriptEvent,
} from '../../client/dashboard/src/tasks/transcript-model.js';

let nextSeq = 1;
function event(kind: string, payload: unknown): TranscriptEvent {
  const seq = nextSeq++;
  return { id: `e${seq}`, seq, kind, payload, createdAt: new Date(0).toISOString() };
}

describe('readEntry', () => {
  it('reads each kind the server stores', () => {
    expect(readEntry(event('STATUS', { from: 'QUEUED', to: 'RUNNING', reason: 'claimed' }))).toEqual({
      type: 'status',
      from: 'QUEUED',
      to: 'RUNNING',
      reason: 'claimed',
    });
    expect(readEntry(event('MESSAGE', { role: 'assistant', text: 'Hi' }))).toMatchObject({ type: 'message', role: 'assistant', text: 'Hi' });
    expect(readEntry(event('TOOL_CALL', { toolUseId: 'u1', name: 'Bash', input: { command: 'ls' } }))).toMatchObject({
      type: 'tool-call',
      name: 'Bash',
      input: { command: 'ls' },
    });
    expect(readEntry(event('RESULT', { ok: false, errorType: 'MAX_TURNS', message: 'too many', costUsd: 0.01 }))).toMatchObject({
      type: 'result',
      ok: false,
      errorType: 'MAX_TURNS',
      costUsd: 0.01,
    });
    expect(readEntry(event('GAP', { dropped: 3, reason: 'db down' }))).toEqual({ type: 'gap', dropped: 3, reason: 'db down' });
  });

  it('shows an unknown kind or a malformed payload rather than failing', () => {
    expect(readEntry(event('SOMETHING_NEW', { a: 1 }))).toEqual({ type: 'raw', payload: { a: 1 } });
    expect(readEntry(event('MESSAGE', null))).toMatchObject({ type: 'message', text: '' });
  });

  it('flags failures and warnings', () => {
    expect(severityOf(readEntry(event('TOOL_RESULT', { toolUseId: 'u', isError: true, content: 'no' })))).toBe('problem');
    expect(severityOf(readEntry(event('STATUS', { from: 'RUNNING', to: 'FAILED', reason: 'x' })))).toBe('problem');
    expect(severityOf(readEntry(event('RETRY', { attempt: 1, maxRetries: 3, status: 500, error: 'x' })))).toBe('warning');
    expect(severityOf(readEntry(event('MESSAGE', { role: 'assistant', text: 'fine' })))).toBeUndefined();
  });
});

describe('tool calls and results', () => {
  it('pairs each result with its call', () => {
    const events = [
      event('TOOL_CALL', { toolUseId: 'u1', name: 'Bash', input: {} }),
      event('USAGE', {}),
      event('TOOL_RESULT', { toolUseId: 'u1', isError: false, content: [{ type: 'text', text: 'hello' }] }),
    ];
    const result = toolResultsByCall(events).get('u1');
    expect(result).toMatchObject({ seq: events[2]!.seq, isError: false });
    expect(contentText(result?.content)).toBe('hello');
  });
});

describe('tailLines', () => {
  it('keeps the newest non-empty lines of assistant text, oldest first', () => {
    const events = [
      event('MESSAGE', { role: 'assistant', text: 'one\ntwo' }),
      event('MESSAGE', { role: 'user', text: 'ignored' }),
      event('TOOL_CALL', { toolUseId: 'u', name: 'Bash', input: {} }),
      event('MESSAGE', { role: 'assistant', text: 'three\n\nfour' }),
    ];
    expect(tailLines(events, 3).map((line) => line.text)).toEqual(['two', 'three', 'four']);
    expect(new Set(tailLines(events, 10).map((line) => line.key)).size).toBe(4);
  });
});
