/** The launcher answers GetSystemInfo from pre-encoded bytes: they must match systemInfo(). */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../proto.js';
import { METHODS, SYSTEM_INFO_BYTES } from './early-transport.mjs';
import { systemInfo } from './system-info.js';
import { lookupService } from '../proto.js';

describe('early transport', () => {
  it('pre-encodes exactly the GetSystemInfo response the engine would send', () => {
    const type = 'temporal.api.workflowservice.v1.GetSystemInfoResponse';
    expect(decode(type, SYSTEM_INFO_BYTES)).toEqual(decode(type, encode(type, systemInfo())));
    expect(decode(type, SYSTEM_INFO_BYTES).capabilities.sdkMetadata).toBe(true);
  });

  it('lists only methods that exist in the protobuf services', () => {
    for (const [svc, names] of Object.entries(METHODS)) {
      const methods = lookupService(svc).methods;
      for (const n of names) expect(methods[n], `${svc}/${n}`).toBeDefined();
    }
  });
});
