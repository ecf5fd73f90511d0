import { progressPercent } from './workflow-graph';

/** The root's progress: ended subtasks, then the final answer, as a bar and a percentage. */
export function WorkflowProgress({ progress }: { progress: number }) {
  const percent = progressPercent(progress);
  return (
    <div
      className="wf-progress"
      data-testid="workflow-progress"
      data-progress={progress}
      role="progressbar"
      aria-label="Workflow progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress wf-progress__bar">
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="wf-progress__text">{percent}%</span>
    </div>
  );
}
