/**
 * @module Taint across the calls of one session. Every tool (or resource, or prompt) output is
 * untrusted input to later calls. The session keeps the text of earlier outputs; an argument that
 * contains any run of MIN_OVERLAP characters of an earlier output is marked as derived from it, so
 * the model copying a fetched page into an e-mail body is seen as exactly that.
 */

/** Shortest shared run that counts as derivation: long enough that chance matches of words do not. */
export const MIN_OVERLAP = 16;
/** Characters of output a session remembers; the oldest outputs are dropped past this. */
export const MAX_REMEMBERED_CHARS = 256_000;

export interface RecordedOutput {
  /** `tool_output:<tool>#<callId>`: the provenance source later arguments derive from. */
  source: string;
  text: string;
}

export interface SessionTaint {
  /** Remember the strings of an output as untrusted. */
  record(source: string, strings: readonly string[]): void;
  /** The sources of earlier outputs the value's strings share a run of MIN_OVERLAP characters with. */
  derivedFrom(value: unknown): string[];
}

export function createSessionTaint(maxChars = MAX_REMEMBERED_CHARS): SessionTaint {
  const outputs: RecordedOutput[] = [];
  let total = 0;
  // window → index into outputs of the latest output holding it (verified with includes on a hit).
  let index = new Map<string, number>();
  const indexOutput = (i: number): void => {
    const t = outputs[i]!.text;
    for (let k = 0; k + MIN_OVERLAP <= t.length; k++) index.set(t.slice(k, k + MIN_OVERLAP), i);
  };
  return {
    record(source, strings) {
      const text = strings.filter((s) => s.length >= MIN_OVERLAP).join('\u0000');
      if (text.length === 0) return;
      outputs.push({ source, text: text.slice(0, maxChars) });
      total += Math.min(text.length, maxChars);
      if (total > maxChars) {
        while (total > maxChars && outputs.length > 1) total -= outputs.shift()!.text.length;
        index = new Map();
        outputs.forEach((_, i) => indexOutput(i));
      } else indexOutput(outputs.length - 1);
    },
    derivedFrom(value) {
      const found = new Set<string>();
      for (const s of stringsOf(value)) {
        for (let k = 0; k + MIN_OVERLAP <= s.length; k++) {
          const hit = index.get(s.slice(k, k + MIN_OVERLAP));
          if (hit !== undefined) found.add(outputs[hit]!.source);
        }
      }
      return [...found].sort();
    },
  };
}

/** Every string inside a JSON value (keys included: a model can smuggle text through a key). */
export function stringsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 64) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out, depth + 1));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out, depth + 1);
    }
  }
  return out;
}
