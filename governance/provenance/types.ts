/** @module Types of the provenance module: resolved argument trust, taint, and injection signals. */
import type { Provenance, TrustLevel } from '../types.js';

export interface ArgumentProvenance extends Provenance {
  /** The lowest of the declared trust and the trust of everything the argument derives from. */
  effectiveTrust: TrustLevel;
}

export interface StepProvenance {
  args: Record<string, ArgumentProvenance>;
  /** True when any input of the step, or any step it depends on (transitively), is external or untrusted. */
  tainted: boolean;
  /** Sources of the taint, sorted: e.g. `tool_output:http.get#fetch`, `retrieval:web`. */
  taintSources: string[];
  /** Lowest trust among the step's arguments and the outputs it depends on (`trusted` when it has neither). */
  lowestTrust: TrustLevel;
}

export interface InjectionSignal {
  /** Stable code, e.g. `override_instructions`, `zero_width`. */
  code: string;
  /** What matched, normalised and shortened; invisible characters are shown as `U+XXXX`. */
  excerpt: string;
  /** UTF-16 index of the match in the original string. */
  index: number;
  weight: number;
  /** Where the string sits inside the arguments (set by scanArgs), e.g. `body` or `items[2].text`. */
  path?: string;
}
