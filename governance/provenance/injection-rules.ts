/**
 * @module The rules of the instruction-like-content detector. Deterministic patterns, no ML.
 * Phrase rules run on normalised text (see normalise.ts); character and URL rules on the original.
 * Weights say how strongly a match suggests an injection attempt; they feed the risk score.
 */

export interface PatternRule {
  code: string;
  weight: number;
  pattern: RegExp;
  /** Optional check on the match, to keep false positives low. */
  accept?: (match: RegExpExecArray) => boolean;
}

// Phrases a document has no business addressing to the model that reads it.
export const PHRASE_RULES: readonly PatternRule[] = [
  {
    code: 'override_instructions',
    weight: 40,
    pattern: /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|every\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+|these\s+|those\s+)?(?:previous|prior|above|earlier|preceding|foregoing|former|original|existing|system)\s+(?:instructions?|prompts?|directions?|directives?|rules|guidelines|messages?|context|commands?)\b/g,
  },
  { code: 'disregard_above', weight: 30, pattern: /\b(?:disregard|ignore|forget)\s+(?:(?:everything|all|anything)\s+)?(?:the\s+|that\s+)?(?:above|before this|said above|written above)\b/g },
  {
    code: 'role_reassignment',
    weight: 25,
    pattern: /\b(?:you are now|from now on,? you are|you will now act as|pretend (?:that )?you are)\s+(?:an?\s+|the\s+)?([\w-]+)(?: [\w-]+ mode\b)?/g,
    // why a stop list: "you are now a member", "you are now logged in" are ordinary account mail.
    accept: (m) => {
      const word = m[1] ?? '';
      if (word === 'in') return m[0].endsWith(' mode');
      return !/^(?:member|subscriber|customer|registered|logged|signed|connected|enrolled|ready|able|eligible|subscribed|verified|part|on|set|done|free|following|using|receiving|all)$/.test(word);
    },
  },
  { code: 'system_prompt', weight: 20, pattern: /\b(?:system prompt|system message|developer message|hidden instructions)\b/g },
  { code: 'prompt_extraction', weight: 30, pattern: /\b(?:reveal|print|show|repeat|output|leak|dump)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|original\s+|initial\s+)?(?:system prompt|instructions|hidden instructions|initial prompt)\b/g },
  { code: 'new_instructions', weight: 30, pattern: /\b(?:new|updated|revised|real|actual|secret|hidden)\s+(?:system\s+)?instructions?\s*:/g },
  { code: 'role_marker', weight: 35, pattern: /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>|\[\/?inst\]|<<\/?sys>>|<\/?(?:system|assistant)>|<(?:start|end)_of_turn>/g },
  { code: 'role_marker', weight: 35, pattern: /(?:^|\n) ?#{2,6} ?(?:system|assistant)(?: prompt)? ?:?(?=\n|$)/g },
  { code: 'tool_call_lure', weight: 20, pattern: /\b(?:call|invoke|use|run|execute|trigger)\s+the\s+(?:[\w.-]+\s+)?(?:tool|function)\b/g },
  { code: 'send_email_lure', weight: 20, pattern: /\bsend\s+(?:an?\s+)?(?:e-?mail|message)\s+to\b/g },
  { code: 'forward_lure', weight: 25, pattern: /\bforward\s+(?:[^\s.!?]+\s+){0,6}?to\s+(?:[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/)/g },
];

// Invisible or misleading characters; matched on the original text.
export const CHARACTER_RULES: readonly PatternRule[] = [
  {
    code: 'zero_width',
    weight: 20,
    pattern: /[\u200B-\u200D\u2060-\u2064\uFEFF\u180E]+/g,
    // why: a lone ZWJ joins emoji (👩‍💻) and a leading BOM is an encoding artefact; neither hides text.
    accept: (m) => !(m[0] === '\u200D' && /\p{Extended_Pictographic}\uFE0F?$/u.test(m.input.slice(Math.max(0, m.index - 3), m.index))) && !(m[0] === '\uFEFF' && m.index === 0),
  },
  { code: 'bidi_control', weight: 25, pattern: /[\u202A-\u202E\u2066-\u2069]+/g },
  { code: 'tag_characters', weight: 35, pattern: /[\u{E0000}-\u{E007F}]+/gu },
  // why two or more: one U+FE0F after an emoji is normal; a run of selectors can carry hidden bytes.
  { code: 'variation_selectors', weight: 25, pattern: /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{2,}/gu },
  {
    code: 'base64_blob',
    weight: 10,
    pattern: /[A-Za-z0-9+/]{100,}={0,2}/g,
    accept: (m) => /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /\d/.test(m[0]),
  },
  { code: 'html_comment', weight: 15, pattern: /<!--/g },
  { code: 'markdown_image_external', weight: 25, pattern: /!\[[^\]\n]{0,200}\]\(\s*<?https?:\/\/[^\s)>]+/g },
];

const SENSITIVE_KEYS = /^(?:data|secret|token|key|api_?key|password|passwd|pwd|pass|session|sid|cookie|auth|credentials?|ssn|payload|exfil|leak|content|memory|history|conversation|chat|prompt)$/i;

/** A query string "carries data" when a value is long, encodes something, or sits under a sensitive key. */
export function queryCarriesData(url: string): boolean {
  const q = url.indexOf('?');
  if (q === -1) return false;
  for (const pair of url.slice(q + 1).split(/[&;]/)) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    if (value.length >= 32) return true;
    if (value.length > 0 && SENSITIVE_KEYS.test(key)) return true;
    if (/[{}<>[\]$]|%7B|%3C|%5B/i.test(value)) return true;
  }
  return false;
}

export const URL_PATTERN = /\bhttps?:\/\/[^\s)<>"'\]`]+/g;
export const EXFIL_URL_WEIGHT = 25;
