import { useState } from 'react';
import { useTaskEventStream } from '../tasks/useTaskEventStream';
import { tailLines } from '../tasks/transcript-model';

/** How much of the transcript a card replays when it opens: enough for a screenful of lines. */
const REPLAY_EVENTS = 60;
const SHOWN_LINES = 8;

interface AgentLiveTailProps {
  taskId: string;
  taskStatus: string;
  lastEventSeq: number;
  agentName: string;
}

/** The last lines the agent wrote for the task, streaming as it writes them. Key it by task id. */
export function AgentLiveTail({ taskId, taskStatus, lastEventSeq, agentName }: AgentLiveTailProps) {
  // Fixed at mount (the parent keys this by task), so a growing lastEventSeq does not restart the stream.
  const [afterSeq] = useState(() => Math.max(0, lastEventSeq - REPLAY_EVENTS));
  const { items, status } = useTaskEventStream(taskId, { afterSeq, taskStatus, maxItems: 200 });
  const lines = tailLines(items, SHOWN_LINES);
  return (
    <div className="tail" data-stream={status}>
      {lines.length === 0 ? (
        <p className="tail__empty">{status === 'ended' ? 'No output.' : 'Waiting for output…'}</p>
      ) : (
        <ol className="tail__lines" role="log" aria-label={`Output of ${agentName}`}>
          {lines.map((line) => (
            <li key={line.key} className="tail__line" data-testid="tail-line" data-seq={line.seq}>
              {line.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
