/**
 * Redis keys of the staff console. Every key shares the hash tag {staff}, so all of them sit in one Redis
 * Cluster slot and a script may touch several at once (an account and the account index; a session and its
 * user's session set). A desk's handful of staff is far too little traffic for one slot to matter.
 */
export function staffKeys(prefix: string) {
  const base = `${prefix}staff:{staff}:`;
  return {
    /** Hash: passwordHash, createdAt, passwordChangedAt. Usernames are a-z 0-9 . _ - only, so they need no escaping. */
    account: (username: string) => `${base}user:${username}`,
    /** Set of every username, so that listing accounts needs neither KEYS nor a SCAN of the whole database. */
    accountIndex: `${base}users`,
    /** One session, named by the SHA-256 of its token: a dump of Redis holds no token that could be replayed. */
    session: (tokenHash: string) => `${base}session:${tokenHash}`,
    /** Set of the token hashes of one user's sessions, so that all of them can be ended at once. */
    userSessions: (username: string) => `${base}user-sessions:${username}`,
    /** rate-limiter-flexible adds `:` and its own key to this. */
    loginLimit: (kind: 'address' | 'user') => `${base}login-${kind}`,
  };
}

export type StaffKeys = ReturnType<typeof staffKeys>;
