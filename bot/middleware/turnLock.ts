import type { Middleware, TurnContext } from 'botbuilder';
import type { Locale } from '../../services/locales/locale';
import { LockTimeoutError, type TurnLock } from '../../services/locks/turnLock';

/**
 * Runs the turns of one conversation one at a time, across all bot instances sharing the lock's Redis,
 * because bot state is saved last-writer-wins. A turn that cannot get its turn in time is told to try
 * again; nothing is lost and the conversation's state is left alone.
 */
export class TurnLockMiddleware implements Middleware {
  constructor(
    private readonly lock: TurnLock,
    private readonly locale: Locale,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { channelId, conversation } = context.activity;
    // Locks and bot state are keyed by channel and conversation: an activity naming no channel (no real channel
    // sends one) cannot be run. It is checked here, after authentication, not by the HTTP layer before it.
    if (!channelId) return;
    try {
      await this.lock.runExclusive(`${channelId}/${conversation.id}`, next);
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw error;
      await context.sendActivity(this.locale.messages.t('input.busy'));
    }
  }
}
