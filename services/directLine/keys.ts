import { taggedKey } from '../storage/keys';

/**
 * Redis keys of the self-hosted Direct Line channel. The keys of one conversation share its hash tag, so the
 * scripts that touch all of them at once also run on Redis Cluster.
 */
export function conversationKeys(prefix: string, conversationId: string) {
  const base = taggedKey(prefix, 'directline', conversationId);
  return {
    /** Hash: user, seq (the last activity's sequence number), createdAt. Exists once the conversation has started. */
    conversation: `${base}:conversation`,
    /** List of the latest activities as JSON, oldest first. */
    activities: `${base}:activities`,
    /** Set when the conversation has been ended, for as long as any of its tokens could still be valid. */
    ended: `${base}:ended`,
  };
}

export type ConversationKeys = ReturnType<typeof conversationKeys>;

/** rate-limiter-flexible adds `:` and its own key to this. */
export function limitKeyPrefix(prefix: string, kind: 'activities' | 'polls' | 'tokens'): string {
  return `${prefix}directline-limit:${kind}`;
}
