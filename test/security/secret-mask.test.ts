import { describe, expect, it } from 'vitest';
import { SECRET_MASK, secretMasker } from '../../server/security/secret-mask.js';

describe('secretMasker', () => {
  it('replaces every occurrence of each value', () => {
    const mask = secretMasker(['sk-ant-123456', 'ghp_abcdef'])!;
    expect(mask('key sk-ant-123456 and ghp_abcdef, again sk-ant-123456')).toBe(`key ${SECRET_MASK} and ${SECRET_MASK}, again ${SECRET_MASK}`);
    expect(mask('nothing here')).toBe('nothing here');
  });

  it('masks a value as escaped inside a JSON line, and the line stays valid JSON', () => {
    const value = 'pa"ss\\word\n42';
    const line = JSON.stringify({ type: 'assistant', text: `the password is ${value}` });
    const masked = secretMasker([value])!(line);
    expect(masked).not.toContain(JSON.stringify(value).slice(1, -1));
    expect(JSON.parse(masked)).toEqual({ type: 'assistant', text: `the password is ${SECRET_MASK}` });
  });

  it('masks a value that contains another value whole', () => {
    expect(secretMasker(['secret', 'secret-and-more'])!('x secret-and-more y')).toBe(`x ${SECRET_MASK} y`);
  });

  it('leaves values too short to hide anything alone, and is undefined when there is nothing to mask', () => {
    expect(secretMasker(['1', 'abc'])).toBeUndefined();
    expect(secretMasker([])).toBeUndefined();
  });
});
