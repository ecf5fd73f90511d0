/**
 * The API's expected failures arrive as typed error objects in mutation result unions
 * (InvalidInputError, ConflictError, NotFoundError, ...): turned here into readable text and,
 * where the error names an argument, into a message under that form field.
 */
export interface TypedError {
  __typename?: string;
  code?: string;
  message: string;
  /** The argument (dotted path) the error is about, for errors that name one. */
  field?: string | null;
}

/** Errors keyed by form field, plus what no field shows. */
export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

export const NO_ERRORS: FormErrors = { fields: {} };

/** The message without the "field: " prefix InvalidInputError puts before it, starting with a capital. */
export function fieldMessage(error: TypedError): string {
  const prefix = error.field ? `${error.field}: ` : '';
  const text = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A sentence for an error shown away from any field. */
export function describeTypedError(error: TypedError): string {
  switch (error.code) {
    case 'INVALID_INPUT':
      return error.field ? `${humanizeField(error.field)}: ${fieldMessage(error)}` : fieldMessage(error);
    default:
      return error.message;
  }
}

/**
 * Puts an error under the form field it names when the form has that field ("dependsOn.2"
 * belongs to "dependsOn"), else at the form's level. `formFieldOf` maps the argument the server
 * names to the form's name for it, where the two differ.
 */
export function toFormErrors(
  error: TypedError,
  formFields: readonly string[],
  formFieldOf: (field: string) => string | null | undefined = (field) => field,
): FormErrors {
  const named = error.field ? formFieldOf(error.field) : undefined;
  const field = named ? matchField(named, formFields) : undefined;
  if (field) return { fields: { [field]: fieldMessage(error) } };
  const renamed = named && named !== error.field ? { ...error, field: named, message: fieldMessage(error) } : error;
  return { fields: {}, form: describeTypedError(renamed) };
}

function matchField(path: string, formFields: readonly string[]): string | undefined {
  let candidate = path;
  for (;;) {
    if (formFields.includes(candidate)) return candidate;
    const cut = candidate.lastIndexOf('.');
    if (cut < 0) return undefined;
    candidate = candidate.slice(0, cut);
  }
}

/** resourceLimits.turnTimeoutSeconds -> turn timeout seconds */
function humanizeField(path: string): string {
  const last = path.split('.').filter((part) => !/^\d+$/.test(part)).pop() ?? path;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
