/** Regular-expression source for words and phrases from the locale data. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Alternatives, longest first so that "yhdeltätoista" wins over "yhdeltä"; a space in a phrase matches any white space. */
export const anyOf = (phrases: readonly string[]) =>
  [...new Set(phrases)]
    .sort((a, b) => b.length - a.length)
    .map((phrase) => phrase.split(/\s+/).map(escapeRegExp).join('\\s+'))
    .join('|');
