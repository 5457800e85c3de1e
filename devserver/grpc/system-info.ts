/** @module GetSystemInfo: static, so the transport can answer it before the engine has loaded. */
import type { Msg } from '../proto.js';

export const SERVER_VERSION = '1.24.0';

export function systemInfo(): Msg {
  return {
    serverVersion: SERVER_VERSION,
    capabilities: {
      signalAndQueryHeader: true, internalErrorDifferentiation: true, activityFailureIncludeHeartbeat: true, supportsSchedules: false,
      encodedFailureAttributes: true, buildIdBasedVersioning: false, upsertMemo: true, eagerWorkflowStart: false, sdkMetadata: true,
      countGroupByExecutionStatus: true,
    },
  };
}
