/** Any JSON value, pretty-printed; strings are shown as they are. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return (
    <pre className="code-block" aria-label={label} tabIndex={0}>
      {text ?? 'null'}
    </pre>
  );
}
