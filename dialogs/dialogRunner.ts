import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { afterInterruption } from './interruptibleDialog';
import { MAIN_DIALOG, type MainDialog, type MainDialogOptions } from './mainDialog';

/**
 * Runs one turn of the dialogs: continues the dialog in progress, or starts the main menu when none is,
 * and carries out what an interruption asked for (start again, back to the menu, a callback request, or end).
 */
export class DialogRunner {
  private readonly dialogs: DialogSet;

  constructor(conversationState: ConversationState, mainDialog: MainDialog) {
    const dialogState: StatePropertyAccessor<DialogState> = conversationState.createProperty('dialogState');
    this.dialogs = new DialogSet(dialogState);
    this.dialogs.add(mainDialog);
  }

  /** Starts the main menu afresh (the welcome, or after an error). */
  async start(context: TurnContext, options: MainDialogOptions = {}): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(MAIN_DIALOG, options);
  }

  async continue(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const result = await dc.continueDialog();
    const next = afterInterruption(context);
    if (next === 'quit') return;
    if (next === 'callback' || next === 'urgentCallback') {
      await dc.beginDialog(MAIN_DIALOG, { callback: { urgent: next === 'urgentCallback' } } satisfies MainDialogOptions);
    } else if (next === 'restart') {
      await dc.beginDialog(MAIN_DIALOG, {} satisfies MainDialogOptions);
    } else if (next === 'cancel' || result.status === DialogTurnStatus.empty) {
      await dc.beginDialog(MAIN_DIALOG, { again: next === 'cancel', openedByMessage: !next } satisfies MainDialogOptions);
    }
  }
}
