/**
 * @module The one place that loads Cedar. why: the nodejs build is CommonJS and loads its WASM
 * synchronously; importing it once keeps that detail (and its types) out of the other files.
 */
import cedarModule from '@cedar-policy/cedar-wasm/nodejs';

export type {
  AuthorizationAnswer,
  DetailedError,
  EntityJson,
  PolicyJson,
  StatefulAuthorizationCall,
} from '@cedar-policy/cedar-wasm/nodejs';

export const cedar = cedarModule;
