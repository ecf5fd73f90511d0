/**
 * Reading optional form inputs into API values: empty means "not set" (the server default), and a
 * number that does not parse is reported on its field before anything is sent.
 */
export type Parsed<T> = { ok: true; value: T | undefined } | { ok: false; message: string };

export function optionalText(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function optionalInteger(raw: string): Parsed<number> {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  const value = Number(trimmed);
  return Number.isInteger(value) ? { ok: true, value } : { ok: false, message: 'Must be a whole number.' };
}

export function optionalNumber(raw: string): Parsed<number> {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  const value = Number(trimmed);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: 'Must be a number.' };
}

/** A list typed one item per line or separated by commas. */
export function optionalList(raw: string): string[] | undefined {
  const items = raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}

/** Reads a parsed number into an input, noting the message under its field when it did not parse. */
export function numberReader<Field extends string>(fieldErrors: Partial<Record<Field, string>>) {
  return (field: Field, parsed: Parsed<number>): number | undefined => {
    if (parsed.ok) return parsed.value;
    fieldErrors[field] = parsed.message;
    return undefined;
  };
}
