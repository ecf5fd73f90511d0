/** What a masked value is replaced with. */
export const SECRET_MASK = '***';

/** Shorter values are not masked: they hide nothing worth hiding and would garble every transcript. */
const MIN_MASKED_LENGTH = 6;

/**
 * A function that replaces every occurrence of the values in a text with ***, as written and as
 * escaped inside a JSON string (agent output is JSON lines); undefined when none is long enough
 * to mask. Like CI log masking: it catches a value printed as is, not one the agent re-encodes.
 */
export function secretMasker(values: readonly string[]): ((text: string) => string) | undefined {
  const needles = [...new Set(values.filter((value) => value.length >= MIN_MASKED_LENGTH).flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]))]
    // Longest first: a value that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return undefined;
  return (text) => {
    let masked = text;
    for (const needle of needles) if (masked.includes(needle)) masked = masked.replaceAll(needle, SECRET_MASK);
    return masked;
  };
}
