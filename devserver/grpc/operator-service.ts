/**
 * @module OperatorService search-attribute RPCs and the (real-time, no-op) TestService. Custom
 * attributes are persisted with the namespace so they survive a restart.
 */
import { ts, type Msg } from '../proto.js';
import { invalid } from '../errors.js';
import type { Engine } from '../state/engine.js';
import { Namespaces } from '../namespace.js';
import type { SearchAttributeType } from '../visibility/index.js';
import type { Handler } from './wrap.js';

const TO_ENUM: Record<SearchAttributeType, string> = {
  Keyword: 'INDEXED_VALUE_TYPE_KEYWORD', Text: 'INDEXED_VALUE_TYPE_TEXT', Int: 'INDEXED_VALUE_TYPE_INT', Double: 'INDEXED_VALUE_TYPE_DOUBLE',
  Bool: 'INDEXED_VALUE_TYPE_BOOL', Datetime: 'INDEXED_VALUE_TYPE_DATETIME', KeywordList: 'INDEXED_VALUE_TYPE_KEYWORD_LIST',
};
const FROM_ENUM = new Map(Object.entries(TO_ENUM).map(([k, v]) => [v, k as SearchAttributeType]));

export function searchAttributeMaps(eng: Engine, ns: string): { all: Msg; custom: Msg; system: Msg } {
  const reg = eng.namespaces.get(ns).registry;
  const all = Object.fromEntries(Object.entries(reg.list()).map(([k, t]) => [k, TO_ENUM[t]]));
  const customNames = Object.keys(reg.customAttributes());
  const custom = Object.fromEntries(customNames.map((k) => [k, all[k]]));
  const system = Object.fromEntries(Object.entries(all).filter(([k]) => !customNames.includes(k)));
  return { all, custom, system };
}

export function operatorHandlers(eng: Engine): Record<string, Handler> {
  const nsOf = (req: Msg): string => eng.namespaces.get(req.namespace || 'default').name;
  return {
    AddSearchAttributes: (req) => {
      const ns = eng.namespaces.get(nsOf(req));
      const entries = Object.entries((req.searchAttributes ?? {}) as Record<string, string>);
      if (entries.length === 0) throw invalid('search attributes are not set');
      for (const [name, t] of entries) {
        const type = FROM_ENUM.get(t);
        if (!type) throw invalid(`search attribute \`${name}\` has unsupported type \`${t}\``);
      }
      eng.mutate(() => {
        for (const [name, t] of entries) ns.registry.add(name, FROM_ENUM.get(t)!);
        eng.putMeta(...Namespaces.metaRow(ns));
      });
      return {};
    },
    RemoveSearchAttributes: (req) => {
      const ns = eng.namespaces.get(nsOf(req));
      eng.mutate(() => {
        for (const name of (req.searchAttributes ?? []) as string[]) ns.registry.remove(name);
        eng.putMeta(...Namespaces.metaRow(ns));
      });
      return {};
    },
    ListSearchAttributes: (req) => {
      const m = searchAttributeMaps(eng, nsOf(req));
      return { customAttributes: m.custom, systemAttributes: m.system, storageSchema: {} };
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.min(ms, 600_000)));

/** Time skipping is not implemented: the clock is real, and these calls behave accordingly. */
export function testServiceHandlers(eng: Engine): Record<string, Handler> {
  const durMs = (d: Msg | undefined): number => (d ? Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6) : 0);
  return {
    LockTimeSkipping: () => ({}),
    UnlockTimeSkipping: () => ({}),
    GetCurrentTime: () => ({ time: ts(eng.now()) }),
    UnlockTimeSkippingWithSleep: async (req) => (await sleep(durMs(req.duration)), {}),
    Sleep: async (req) => (await sleep(durMs(req.duration)), {}),
    SleepUntil: async (req) => (await sleep(Number(req.timestamp?.seconds ?? 0) * 1000 - eng.now()), {}),
  };
}

