import type { Format } from 'ajv';
import { fullFormats, type FormatName } from 'ajv-formats/dist/formats';
import { compileSafeRegExp } from './safe-regexp';

/**
 * ajv-formats' formats, with every regular expression run on RE2 so a tenant's payload cannot
 * make a format check super-linear. V8 runs `url` in quadratic time on `http://` followed by
 * colons (40,000 of them took a second, a 256 KiB payload would take about forty); the others
 * are linear today, but only because of how each regex happens to be written, and RE2 makes
 * that a property instead of a hope.
 *
 * Three formats use lookahead, which RE2 lacks; each is rewritten below as an RE2 match plus a
 * plain check that does what the lookahead did. The function formats (date, time, date-time,
 * uri, byte, regex…) are ajv-formats' own: each runs one anchored regex or a parse, linear in
 * the string (measured in json-schema.test.ts).
 */
export function safeFormats(): Record<string, Format> {
  const formats: Record<string, Format> = {};
  for (const [name, format] of Object.entries(fullFormats) as [FormatName, Format][]) {
    formats[name] = format instanceof RegExp ? (REWRITTEN[name] ?? onRe2(format)) : format;
  }
  // `regex` parses the string with V8 (it must be ECMAScript syntax, which RE2 is not); the
  // parse is linear but costs ~0.3 µs a character when nested, so 200 KB of parentheses took
  // 40-60 ms. No pattern a webhook carries is longer than this.
  const regex = fullFormats.regex as (s: string) => boolean;
  formats.regex = {
    type: 'string',
    validate: (s: string) => s.length <= MAX_REGEX_FORMAT_LENGTH && regex(s),
  };
  return formats;
}

function onRe2(regex: RegExp): Format {
  const re2 = compileSafeRegExp(regex.source, regex.flags.replace(/[gy]/g, ''));
  return { type: 'string', validate: (s: string) => re2.test(s) };
}

/** Cuts `part` out of `source`, failing loudly if an ajv-formats upgrade changed the regex. */
function without(source: string, part: string, replacement = ''): string {
  if (!source.includes(part)) throw new Error(`ajv-formats changed: ${part} not found`);
  return source.replace(part, replacement);
}

const DIGIT = /^[0-9]$/;
const MAX_REGEX_FORMAT_LENGTH = 4096;

const REWRITTEN: Partial<Record<FormatName, Format>> = {
  // `^P(?!$)…(T(?=\d)…)?…$`: not just "P", and a T is followed by a digit.
  duration: (() => {
    const source = (fullFormats.duration as RegExp).source;
    const re2 = compileSafeRegExp(without(without(source, '(?!$)'), '(?=\\d)'));
    return {
      type: 'string',
      validate: (s: string) => {
        if (s.length < 2 || !re2.test(s)) return false;
        const t = s.indexOf('T');
        return t === -1 || DIGIT.test(s.charAt(t + 1));
      },
    };
  })(),
  // `^(?=.{1,253}\.?$)…`: at most 253 characters, one more for a trailing dot.
  hostname: (() => {
    const regex = fullFormats.hostname as RegExp;
    const re2 = compileSafeRegExp(without(regex.source, '(?=.{1,253}\\.?$)'), regex.flags);
    return {
      type: 'string',
      validate: (s: string) =>
        (s.length <= 253 || (s.length === 254 && s.endsWith('.'))) && re2.test(s),
    };
  })(),
  // dperini's URL regex refuses private IPv4 hosts with three negative lookaheads right after
  // the optional user info. RE2 captures everything up to the host instead, and the private
  // prefixes are tested there. RE2 picks the same user-info split V8 tries first (the last `@`),
  // and no other split can succeed because a host cannot contain `@`, so the answers agree.
  url: (() => {
    const regex = fullFormats.url as RegExp;
    const lookaheads =
      '(?!(?:10|127)(?:\\.\\d{1,3}){3})(?!(?:169\\.254|192\\.168)(?:\\.\\d{1,3}){2})(?!172\\.(?:1[6-9]|2\\d|3[0-1])(?:\\.\\d{1,3}){2})';
    const prefix = '^(?:https?|ftp):\\/\\/(?:\\S+(?::\\S*)?@)?';
    const source = without(without(regex.source, lookaheads), prefix, `^(${prefix.slice(1)})`);
    const re2 = compileSafeRegExp(source, regex.flags);
    const privateHost = compileSafeRegExp(
      '^(?:(?:10|127)(?:\\.\\d{1,3}){3}|(?:169\\.254|192\\.168)(?:\\.\\d{1,3}){2}|172\\.(?:1[6-9]|2\\d|3[0-1])(?:\\.\\d{1,3}){2})',
    );
    return {
      type: 'string',
      validate: (s: string) => {
        const match = re2.exec(s);
        return match !== null && !privateHost.test(s.slice((match[1] ?? '').length));
      },
    };
  })(),
};
