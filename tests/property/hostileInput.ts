/**
 * Shared pieces of the property-based tests (issue 7, "Hostile input"): the strings a resident, a bot or an
 * attacker could send, the run settings, and a timer for the hang detector.
 *
 * Runs are repeatable: every property runs with a fixed seed. To explore with other inputs,
 *   FC_SEED=12345 npx jest tests/property     (a given seed)
 *   FC_SEED=random npx jest tests/property    (a fresh seed; fast-check prints it with any counterexample)
 *   FC_RUNS=10 npx jest tests/property        (ten times the usual number of runs)
 * A failure report names the seed and the path: put both back in `fc.assert` to replay it.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';

const DEFAULT_SEED = 20260707;

function seedFromEnv(): number {
  const given = process.env.FC_SEED;
  if (!given) return DEFAULT_SEED;
  if (given === 'random') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got "${given}"`);
  return seed;
}

export const SEED = seedFromEnv();
const RUN_FACTOR = Number(process.env.FC_RUNS ?? 1) > 0 ? Number(process.env.FC_RUNS ?? 1) : 1;

/** Settings for `fc.assert`: the seed above and `numRuns` (times FC_RUNS). */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: Math.round(numRuns * RUN_FACTOR) };
}

/**
 * The hang detector's bound for one call. This is not a speed benchmark (bench/ has those): a call on a normal
 * machine takes a few milliseconds, and this bound is far above that so that a slow or busy CI machine does not
 * fail it, while catastrophic regex backtracking (seconds to hours on a few thousand characters) still does.
 */
export const HANG_BOUND_MS = 200;

/** Runs `call`, returning its result and how long it took in milliseconds. */
export function timed<T>(call: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = call();
  return { result, ms: performance.now() - started };
}

/** Pieces that break naive parsing: separators, Finnish letters, emoji, lone surrogates, bidi and zero-width marks, NUL. */
export const NASTY_PIECES = [
  '1', '0', '9', '12', '1.', '.', '..', '1.1', '-', '--', '1-', '12-', '+', '+358', '040', ' ', '  ', '\t', '\n', '\r\n',
  'klo', 'klo ', 'kello', 'huomenna', 'ylihuomenna', 'maanantaina', 'ensi viikolla', 'kahden', 'jälkeen', 'ennen', 'ei ',
  'iltapäivällä', 'aamulla', 'heti', 'milloin vain', 'puoli', 'välillä', 'ja', '–', '—', '/', ':', ',',
  'ä', 'ö', 'å', 'Ä', 'Ö', 'Å', 'a\u0308', 'A', 'FI', 'fi', 'X', 'x',
  '😀', '👨‍👩‍👧', '🇫🇮', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
  '\u200E', '\u200F', '\u202A', '\u202B', '\u202E', '\u2066', '\u2069', '\u061C',
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00A0', '\u2009', '\u3000',
  '\0', '\u0001', '\u007F', '\uFFFD', '\uFFFF',
  '٣', '۳', '३', '１', '𝟏',
  '@', 'a@b.fi', 'AKA-', '311299-', '010190A', '4111', 'kuolen', 'apua',
] as const;

/** A piece repeated up to a few thousand times: "1.1.1.1…", "klo klo klo…", "1-1-1-…". */
const repeated = fc
  .tuple(
    fc.constantFrom('1.', '1.1.', '1-', '12-', '1 ', 'klo ', 'klo', 'ä', 'ö ', '😀', '\u200B', '\0', '\uD800', '+3', '-', ' ', 'ei ', 'kahden jälkeen ', '0'),
    fc.integer({ min: 1, max: 3000 }),
  )
  .map(([piece, times]) => piece.repeat(times));

/** Up to 600 nasty pieces in any order. */
const nastyMix = fc.array(fc.constantFrom(...NASTY_PIECES), { maxLength: 600 }).map((pieces) => pieces.join(''));

/** Digits with dashes, dots and spaces: phone numbers, dates, identity codes and card numbers gone wrong. */
const digitsWithSeparators = fc
  .array(fc.tuple(fc.stringMatching(/^\d{1,6}$/), fc.constantFrom('-', '.', ' ', '', '+', ' - ', '/', ':')), { maxLength: 300 })
  .map((parts) => parts.map(([digits, separator]) => digits + separator).join(''));

/** Long text: 2 000–10 000 characters of random code points, or Finnish-looking words. */
const long = fc.oneof(
  fc.string({ minLength: 2000, maxLength: 10_000, unit: 'binary' }),
  fc.string({ minLength: 2000, maxLength: 10_000, unit: fc.constantFrom(...NASTY_PIECES) }),
);

/** Any string a resident could type or a client could send, weighted towards the nasty. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 200 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 200, unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 200, unit: 'binary' }), weight: 2 },
  { arbitrary: nastyMix, weight: 4 },
  { arbitrary: digitsWithSeparators, weight: 3 },
  { arbitrary: repeated, weight: 2 },
  { arbitrary: long, weight: 1 },
);

/** Random text around `embedded`, kept apart from it by a space (so that it is a separate word). */
export function embeddedIn(embedded: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; embedded: string }> {
  const side = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40, unit: fc.constantFrom(...NASTY_PIECES) }));
  return fc.tuple(side, embedded, side).map(([before, value, after]) => ({ text: `${before} ${value} ${after}`, embedded: value }));
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile HTTP input (the HTTP fuzz, httpFuzz*.test.ts): JSON values, broken JSON, paths, header values, and
// Bot Framework / Direct Line activities with their fields mutated.

/**
 * Unicode that trips up naive handling: lone and reversed surrogates, NUL and other controls, bidi overrides and
 * zero-width marks, combining marks (also stacked), text that NFC or case mapping changes, emoji sequences,
 * noncharacters and line/paragraph separators.
 */
export const UNICODE_ODDITIES = [
  '\uD800', '\uDFFF', '\uDC00\uD800', '\uDBFF\uDBFF', '\0', '\u0000\u0000', '\u0007', '\u001B[31m', '\u007F', '\u0085',
  '\u202E', '\u202D', '\u200F', '\u2066', '\u061C', '\u200B', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u034F',
  'a\u0308', 'o\u0308', 'e\u0301', 'A\u030A', '\u1E9B\u0323', '\u0301', 'a' + '\u0308'.repeat(60), 'ﬁ', 'ß', 'İ', 'ǅ', 'Ω', 'Å',
  '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇮', '👍🏽', '\u{1F9D1}\u200D\u{1F680}', '\u{10FFFF}', '\uFFFF', '\uFFFE', '\uFFFD', '\u2028', '\u2029',
  'ä', 'ö', 'Ä', 'Ö', '١٢٣', 'שלום', 'مرحبا', '日本語', '\u3000', '\u00A0',
] as const;

/** A string made of unicode oddities and ordinary Finnish, up to a few hundred pieces. */
export const oddUnicodeString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...UNICODE_ODDITIES), fc.constantFrom('hei', 'apua', 'kela', ' ', 'olohuone', '040 123 4567')), { maxLength: 300 })
  .map((pieces) => pieces.join(''));

/** Object keys that code treats specially: prototype names, empty, operators, and the usual field names. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', '', ' ', '$where', '$gt', '.', 'a.b', '[0]', 'type', 'text', 'id', 'value', 'length'), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...UNICODE_ODDITIES), weight: 1 },
);

/** Numbers JSON can carry that code may not expect: huge, tiny, negative zero, past 2^53, fractions. */
const oddNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, 0.1, 1e21));

/** Any JSON value with hostile strings and keys, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constant(null),
    fc.boolean(),
    oddNumber,
    hostileString,
    oddUnicodeString,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** A JSON value of a type other than a string: for fields that must hold text. */
export const nonString: fc.Arbitrary<unknown> = fc.oneof(fc.constant(null), fc.boolean(), oddNumber, fc.constant([]), fc.constant({}), fc.array(hostileString, { maxLength: 3 }), fc.dictionary(hostileKey, hostileString, { maxKeys: 3 }));

const WHOLE_ACTIVITY = '{"type":"message","text":"hei","conversation":{"id":"x"},"from":{"id":"u"},"deliveryMode":"expectReplies"}';

/** Text that is not JSON, or JSON with a flaw: truncated, trailing commas, comments, NaN, a BOM, two values, … */
export const brokenJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\n', '{', '}', '[', '{"', '{"type"', '{"type":', '{"type":"message"', '{"type":"message",}', '[1,2,]', "{'type':'message'}",
    '{type:"message"}', '{"type":"message"} // comment', '/* x */{}', '{"a":NaN}', '{"a":Infinity}', '{"a":-}', '{"a":01}', '{"a":1e}',
    '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":"\\uZZZZ"}', '{"a":"\u0001"}', '\uFEFF{"type":"message"}', '{"a":1}{"b":2}', '{}[]',
    'null', 'true', 'false', '0', '-0', '1e999999', '"hei"', '[]', '{"__proto__":{"polluted":"yes"}}', 'undefined', '<xml/>',
    'type=message&text=hei', '\0', '{"a":"b"\0}', '\u0000{}', '{"a":tru}', '{"a":nul}', '{"a" "b"}', '{"a":1,"a":2}',
  ),
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 300, unit: 'binary' }),
  // A valid activity cut off somewhere before its end.
  fc.nat({ max: WHOLE_ACTIVITY.length - 1 }).map((at) => WHOLE_ACTIVITY.slice(0, at)),
);

/** JSON text nested `depth` levels deep: arrays, objects or both, with a value at the bottom. */
export function nestedJson(depth: number, kind: 'array' | 'object' | 'mixed'): string {
  if (kind === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'[{"a":'.repeat(Math.ceil(depth / 2))}1${'}]'.repeat(Math.ceil(depth / 2))}`;
}

/** A path segment as a client might send it: ordinary, traversal, encoded bytes and separators, or very long. */
export const hostilePathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', '..%2f..%2f..%2fetc%2fpasswd', '..%5c..%5cwindows', '%00', 'a%00b', '%ff', '%c0%af', '%ed%a0%80',
    '%e2%80%ae', '%', '%%', '%zz', '%2', '%252e%252e', '~', '*', '%2A', 'null', 'undefined', 'NaN', '__proto__', 'constructor', '%7B%7D', '{x}', ':id',
    'a;b', 'a,b', '%3Bjsessionid%3D1', '%20', '+', 'AKA-2026-000001', 'AKA-0000-000000', 'AKA-2026-00000', 'AKA-2026-1%00',
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  oddUnicodeString.map((text) => percentEncoded(text.slice(0, 40))),
  fc.integer({ min: 200, max: 6000 }).map((length) => 'a'.repeat(length)),
);

/** Text percent-encoded as UTF-8; a lone surrogate (which UTF-8 cannot carry) becomes the bytes of one, as a careless encoder writes it. */
export function percentEncoded(text: string): string {
  return Array.from(text, (char) => (/^[\uD800-\uDFFF]$/.test(char) ? '%ED%A0%80' : encodeURIComponent(char))).join('');
}

/** A query string: hostile names and values, repeated, bracketed, encoded, or nothing at all. */
export function hostileQuery(names: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(fc.constantFrom('', '0', '-1', '1e3', '99999999999', 'true', 'TRUE', '1.5', '0x10', '%00', '%ff', '%', '[]', 'null', 'new', 'closed', 'kela', 'none'), fc.string({ maxLength: 30 }).map(encodeURIComponent), hostilePathSegment);
  const name = fc.oneof(fc.constantFrom(...names), fc.constantFrom('__proto__', '__proto__[x]', 'constructor[prototype][x]', 'a[]', '', '%00', 'x'));
  return fc.oneof(
    fc.constant(''),
    fc.constant('?'),
    fc.array(fc.tuple(name, value, fc.boolean()), { minLength: 1, maxLength: 5 }).map((pairs) => `?${pairs.map(([n, v, bare]) => (bare && !v ? n : `${n}=${v}`)).join('&')}`),
  );
}

/**
 * A header value as it arrives on the wire: latin1 bytes (the HTTP client refuses code points above 255, so
 * other text is sent as its UTF-8 bytes), from empty to several kilobytes — past 16 KiB Node itself answers 431.
 */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'x', 'null', '\t', 'a\tb', 'ÿ', '\u00ff\u00fe', '%00', '=?utf-8?b?aGVp?='),
  fc.string({ maxLength: 60 }).map(asHeaderBytes),
  oddUnicodeString.map((text) => asHeaderBytes(text.slice(0, 200))),
  fc.integer({ min: 1000, max: 20_000 }).map((length) => 'x'.repeat(length)),
);

/** Text as the latin1 string whose bytes are its UTF-8 (what a header can carry), without the bytes HTTP forbids. */
export function asHeaderBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1').replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

/** Content types: JSON right and wrong, with odd parameters and charsets, and other kinds altogether. */
export const hostileContentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined, 'application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=UTF-16',
  'application/json; charset=latin1', 'application/json; charset="utf-8"', 'application/json; charset=', 'application/json;;;', 'application/activity+json',
  'application/vnd.api+json', 'application/jsonx', 'text/json', 'text/plain', 'text/plain; charset=utf-8', 'text/csv', 'text/tsv', 'text/tab-separated-values',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=XyZ', 'multipart/form-data', 'application/octet-stream', 'application/xml', '', '*/*',
  'application/', '/', ';', 'application/json, text/plain', 'ä/ö',
);

/** Activity types: the real ones, and ones that are not. */
const activityType = fc.oneof(
  { arbitrary: fc.constantFrom('message', 'message', 'event', 'invoke', 'conversationUpdate', 'typing', 'endOfConversation', 'installationUpdate', 'messageReaction', 'messageUpdate', 'messageDelete', 'deleteUserData', 'trace', 'handoff', 'command', 'commandResult', 'suggestion', 'contactRelationUpdate'), weight: 4 },
  { arbitrary: fc.constantFrom('', 'MESSAGE', 'Message ', 'x'.repeat(64), 'x'.repeat(65), 'message\0', 'messaage'), weight: 1 },
  { arbitrary: hostileString, weight: 1 },
  { arbitrary: nonString, weight: 1 },
);

/** A conversation id of any shape: ordinary, with the characters that storage and lock keys use, long, or not a string. */
export const hostileConversationId: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 40 }), weight: 3 },
  { arbitrary: fc.constantFrom('{', '}', '{}', '}{', 'a/b', '../..', '*', '?', '\\', ':', 'a:b:c', '\0', ' ', '%00', '19:abc@thread.tacv2;messageid=1', 'x'.repeat(512), 'x'.repeat(513)), weight: 2 },
  { arbitrary: oddUnicodeString.filter((text) => text.length > 0), weight: 2 },
  { arbitrary: fc.constant(''), weight: 1 },
  { arbitrary: nonString, weight: 1 },
);

/** A channel account (from, recipient, a member) of any shape. */
const hostileAccount: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ id: fc.oneof(fc.string({ maxLength: 30 }), hostileString), name: fc.option(hostileString, { nil: undefined }), role: fc.option(fc.constantFrom('user', 'bot', 'skill', 'x'), { nil: undefined }) }, { requiredKeys: ['id'] }),
  fc.record({ id: nonString }),
  fc.constantFrom(null, 'x', 5, [], {}, { id: '' }, { id: 'x'.repeat(513) }),
);

/**
 * Values for each field of an activity, as a client or an attacker could send them: the field of the right type
 * with odd content, or of the wrong type altogether.
 */
export const ACTIVITY_FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  type: activityType,
  text: fc.oneof({ arbitrary: hostileString, weight: 4 }, { arbitrary: oddUnicodeString, weight: 2 }, { arbitrary: nonString, weight: 1 }),
  value: hostileJson,
  name: fc.oneof(
    // Event names, and the invoke names botbuilder's ActivityHandler dispatches on its own.
    fc.constantFrom('webchat/join', 'startConversation', 'x', '', 'x'.repeat(129), 'adaptiveCard/action', 'application/search', 'healthCheck', 'signin/verifyState', 'signin/tokenExchange', 'composeExtension/query', 'task/fetch'),
    hostileString,
    nonString,
  ),
  channelData: fc.oneof(fc.record({ clientActivityID: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('x'.repeat(129)), nonString) }), hostileJson),
  attachments: fc.oneof(
    fc.array(fc.record({ contentType: fc.oneof(fc.constantFrom('image/png', 'application/vnd.microsoft.card.adaptive', 'text/html', ''), hostileString, nonString), name: fc.option(hostileString, { nil: undefined }), content: fc.option(hostileJson, { nil: undefined }), contentUrl: fc.option(fc.constantFrom('http://198.51.100.7/x.png', 'file:///etc/passwd', 'data:,x', 'javascript:alert(1)'), { nil: undefined }) }), { maxLength: 12 }),
    fc.integer({ min: 11, max: 400 }).map((count) => Array.from({ length: count }, () => ({ contentType: 'image/png' }))),
    hostileJson,
  ),
  entities: fc.oneof(
    fc.array(fc.oneof(fc.constant({ type: 'mention', mentioned: { id: 'apu-ku-apu-bot' }, text: '<at>bot</at>' }), fc.constant({ type: 'ClientCapabilities', requiresBotState: true }), hostileJson), { maxLength: 6 }),
    hostileJson,
  ),
  conversation: fc.oneof(
    { arbitrary: hostileConversationId.map((id) => ({ id })), weight: 4 },
    { arbitrary: fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), isGroup: hostileJson, tenantId: hostileJson, conversationType: hostileJson }), weight: 1 },
    { arbitrary: fc.constantFrom(null, 'x', [], {}, 5), weight: 1 },
  ),
  from: hostileAccount,
  recipient: hostileAccount,
  membersAdded: fc.oneof(fc.array(hostileAccount, { maxLength: 4 }), hostileJson),
  membersRemoved: fc.oneof(fc.array(hostileAccount, { maxLength: 4 }), hostileJson),
  deliveryMode: fc.oneof(fc.constantFrom('expectReplies', 'expectReplies', 'normal', 'notification', 'ephemeral', '', 'EXPECTREPLIES', 'x'.repeat(33)), nonString),
  channelId: fc.oneof(fc.constantFrom('test', 'directline', 'webchat', 'emulator', 'msteams', 'slack', '', 'x'.repeat(65)), hostileString, nonString),
  locale: fc.oneof(fc.constantFrom('fi-FI', 'en-US', 'sv', 'xx-YY', '', 'fi_FI', 'x'.repeat(1000)), hostileString, nonString),
  id: fc.oneof(hostileString, fc.constant('x'.repeat(513)), nonString),
  replyToId: fc.oneof(hostileString, nonString),
  timestamp: fc.oneof(fc.constantFrom('2026-11-25T10:00:00Z', 'not a date', '9999-99-99T99:99:99Z', '0', ''), nonString),
  localTimestamp: fc.oneof(fc.constantFrom('2026-11-25T10:00:00+02:00', 'eilen'), nonString),
  textFormat: fc.oneof(fc.constantFrom('plain', 'markdown', 'xml', 'html', ''), nonString),
  suggestedActions: fc.oneof(fc.record({ actions: fc.array(hostileJson, { maxLength: 3 }), to: hostileJson }), hostileJson),
  relatesTo: hostileJson,
  action: hostileJson,
  callerId: fc.oneof(fc.constantFrom('urn:botframework:azure', 'urn:x'), hostileString),
  label: hostileJson,
  valueType: hostileJson,
  speak: hostileJson,
  inputHint: hostileJson,
  expiration: hostileJson,
  importance: hostileJson,
  semanticAction: hostileJson,
  listenFor: hostileJson,
  textHighlights: hostileJson,
  topicName: hostileJson,
  historyDisclosed: hostileJson,
  // Not this machine: a loopback address with nothing behind it would hold each turn for the connector's retries.
  serviceUrl: fc.oneof(fc.constantFrom('http://198.51.100.7/', 'https://smba.trafficmanager.net/emea/', 'not a url', 'file:///etc/passwd', 'javascript:alert(1)', 'http://', ''), hostileString, nonString),
  reactionsAdded: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constantFrom('like', 'plusOne', ''), nonString) }), { maxLength: 3 }), hostileJson),
  reactionsRemoved: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constantFrom('like', ''), nonString) }), { maxLength: 3 }), hostileJson),
  code: fc.oneof(fc.constantFrom('completedSuccessfully', 'userCancelled', 'botTimedOut', ''), hostileJson),
};

/** For each kind of activity, the fields the Bot Framework reads for it. */
const FIELDS_BY_TYPE: Record<string, readonly string[]> = {
  invoke: ['name', 'value', 'channelData', 'relatesTo'],
  event: ['name', 'value', 'relatesTo'],
  conversationUpdate: ['membersAdded', 'membersRemoved', 'channelData', 'topicName'],
  messageReaction: ['reactionsAdded', 'reactionsRemoved', 'replyToId'],
  installationUpdate: ['action', 'channelData'],
  messageUpdate: ['text', 'channelData', 'value'],
  messageDelete: ['channelData', 'id'],
  endOfConversation: ['code', 'value', 'text'],
  command: ['name', 'value'],
  commandResult: ['name', 'value'],
  typing: ['text', 'value'],
};

/**
 * An activity of another kind than a message (invoke, event, conversation update, …) whose fields that the Bot
 * Framework reads for that kind are all hostile, and then one to four of them changed again.
 */
export function typedActivity(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  // Invokes and events most often: botbuilder's own handlers read their name and value.
  const type = fc.oneof({ arbitrary: fc.constantFrom('invoke', 'event'), weight: 1 }, { arbitrary: fc.constantFrom(...Object.keys(FIELDS_BY_TYPE)), weight: 1 });
  // An invoke is named as botbuilder dispatches it, so that its handler reads the value.
  const invokeName = fc.constantFrom('adaptiveCard/action', 'application/search', 'healthCheck', 'signin/verifyState', 'signin/tokenExchange', 'x');
  return type.chain((kind) => {
    const fields = FIELDS_BY_TYPE[kind]!;
    const hostile = fc.record(Object.fromEntries(fields.map((field) => [field, kind === 'invoke' && field === 'name' ? invokeName : ACTIVITY_FIELD_VALUES[field]!])));
    return hostile.chain((values) => mutatedActivity({ ...base, type: kind, ...values }, fields));
  });
}

/** The fields that `ACTIVITY_FIELD_VALUES` mutates. */
export const ACTIVITY_FIELDS = Object.keys(ACTIVITY_FIELD_VALUES);

/**
 * An activity from `base` with one to four of `fields` changed: given a hostile value, or removed. Removing is
 * marked with `undefined`, which JSON leaves out.
 */
export function mutatedActivity(base: Record<string, unknown>, fields: readonly string[] = ACTIVITY_FIELDS): fc.Arbitrary<Record<string, unknown>> {
  const unknown = fields.filter((field) => !(field in ACTIVITY_FIELD_VALUES));
  if (unknown.length > 0) throw new Error(`no hostile values for the activity fields ${unknown.join(', ')}`);
  const change = fc.constantFrom(...fields).chain((field) => fc.tuple(fc.constant(field), fc.oneof({ arbitrary: ACTIVITY_FIELD_VALUES[field]!, weight: 5 }, { arbitrary: fc.constant(undefined), weight: 1 })));
  return fc.array(change, { minLength: 1, maxLength: 4 }).map((changes) => {
    const activity: Record<string, unknown> = { ...base };
    for (const [field, value] of changes) Object.defineProperty(activity, field, { value, enumerable: true, writable: true, configurable: true });
    return activity;
  });
}
