import { useId } from 'react';
import { useSessions } from './useSessions';

/** Narrows a page to one session; empty means all of them. */
export function SessionFilter({ value, onChange }: { value: string; onChange: (sessionId: string) => void }) {
  const id = useId();
  const { sessions } = useSessions();
  return (
    <div className="filter">
      <label htmlFor={id} className="filter__label">
        In session
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">All sessions</option>
        {sessions.map((session) => (
          <option key={session.id} value={session.id}>
            {session.name}
          </option>
        ))}
      </select>
    </div>
  );
}
