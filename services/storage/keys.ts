/**
 * Redis key naming. Every key carries the configured prefix and a hash tag ({...}) around the part that
 * identifies one record, so the same code runs unchanged on a single Redis, Sentinel or Redis Cluster:
 * each record's keys live in one slot, and no command ever spans two records.
 */
export function taggedKey(prefix: string, kind: string, id: string): string {
  // A '}' inside the id would end the hash tag early, so braces are escaped (as %7B/%7D) and the tag covers the
  // whole id. '%' is escaped too, so that two different ids can never share one key.
  return `${prefix}${kind}:{${id.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}
