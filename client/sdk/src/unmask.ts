/**
 * The generated types hide a fragment's fields behind a reference (fragment masking). The data is
 * all there at run time; this gives it the fragment's type. Unlike the generated useFragment, it
 * keeps the exact member of an interface fragment (ErrorFields on NotFoundError, ...).
 */
type FragmentRefs<T> = T extends { ' $fragmentRefs'?: infer Refs } ? NonNullable<Refs> : never;

export type Unmasked<T> = FragmentRefs<T>[keyof FragmentRefs<T>];

export function unmask<T extends { ' $fragmentRefs'?: object }>(value: T): Unmasked<T> {
  return value as unknown as Unmasked<T>;
}
