import type { Middleware, TurnContext } from 'botbuilder';
import type { TurnErrorHandler } from '../adapter';

/**
 * Handles a failed turn while the conversation's turn lock is still held (this middleware runs inside
 * TurnLockMiddleware), so that clearing the failed conversation's state cannot wipe what a later turn of
 * the same conversation, perhaps on another instance, has just saved.
 */
export class TurnErrorBoundary implements Middleware {
  constructor(private readonly handleTurnError: TurnErrorHandler) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    try {
      await next();
    } catch (error) {
      await this.handleTurnError(context, error instanceof Error ? error : new Error(String(error)));
    }
  }
}
