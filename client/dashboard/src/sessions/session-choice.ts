/** Which session a new agent or task goes into: one that exists, or a new one created on submit. */
export type SessionChoice =
  | { kind: 'existing'; sessionId: string }
  | { kind: 'new'; name: string; workingDirectory: string };

/** The form fields a session choice shows; createSession's errors land on the new-session ones. */
export const SESSION_FIELDS = ['sessionId', 'sessionName', 'sessionFolder'] as const;

/** createSession's argument names, as the session fields of a form call them. */
export const CREATE_SESSION_FIELD_NAMES: Record<string, string> = {
  name: 'sessionName',
  workingDirectory: 'sessionFolder',
};

export const NEW_SESSION = { kind: 'new', name: 'default', workingDirectory: '' } as const satisfies SessionChoice;
