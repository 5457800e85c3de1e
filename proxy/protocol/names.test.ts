import { describe, expect, it } from 'vitest';
import { exposedName, resolveName } from './names.js';

describe('exposed names', () => {
  it('passes names through with one upstream', () => {
    expect(exposedName('gh', 'create_issue', false)).toBe('create_issue');
    expect(resolveName('a__b', ['gh'])).toEqual({ server: 'gh', name: 'a__b' });
  });

  it('prefixes `<server>__` with several and splits at the first separator', () => {
    expect(exposedName('gh', 'create__issue', true)).toBe('gh__create__issue');
    expect(resolveName('gh__create__issue', ['gh', 'fs'])).toEqual({ server: 'gh', name: 'create__issue' });
  });

  it('resolves nothing for an unknown server or a name without prefix', () => {
    expect(resolveName('xx__tool', ['gh', 'fs'])).toBeUndefined();
    expect(resolveName('tool', ['gh', 'fs'])).toBeUndefined();
    expect(resolveName('__tool', ['gh', 'fs'])).toBeUndefined();
  });
});
