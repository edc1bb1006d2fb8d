import { DialogSet, DialogTurnStatus, type DialogContext, type DialogState, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { afterInterruption } from './interruptibleDialog';
import { MAIN_DIALOG, type MainDialog, type MainDialogOptions } from './mainDialog';

/**
 * Where botbuilder-dialogs looks in a turn's state for the memory scopes and path resolvers of its
 * DialogStateManager (a constant of botbuilder-dialogs/lib/memory/dialogStateManager.js it does not export;
 * tests/dialogs/dialogRunner.test.ts fails if it changes).
 */
export const STATE_MANAGER_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/**
 * Creates a turn's root DialogContext. The first DialogContext of a turn builds its memory configuration anew
 * (a dependency-injection container and a dozen scope objects) unless the turn already has one. The scopes
 * keep no state of their own, so one configuration serves every turn, as botbuilder's
 * DialogManager.stateConfiguration does.
 */
export class DialogContexts {
  private stateConfiguration?: DialogStateManagerConfiguration;

  constructor(private readonly dialogs: DialogSet) {}

  async create(context: TurnContext): Promise<DialogContext> {
    if (this.stateConfiguration && !context.turnState.has(STATE_MANAGER_CONFIGURATION_KEY)) {
      context.turnState.set(STATE_MANAGER_CONFIGURATION_KEY, this.stateConfiguration);
    }
    const dc = await this.dialogs.createContext(context);
    this.stateConfiguration ??= dc.state.configuration;
    return dc;
  }
}

/**
 * Runs one turn of the dialogs: continues the dialog in progress, or starts the main menu when none is,
 * and carries out what an interruption asked for (start again, back to the menu, a callback request, or end).
 */
export class DialogRunner {
  private readonly contexts: DialogContexts;

  constructor(conversationState: ConversationState, mainDialog: MainDialog) {
    const dialogState: StatePropertyAccessor<DialogState> = conversationState.createProperty('dialogState');
    const dialogs = new DialogSet(dialogState);
    dialogs.add(mainDialog);
    this.contexts = new DialogContexts(dialogs);
  }

  /** Starts the main menu afresh (the welcome, or after an error). */
  async start(context: TurnContext, options: MainDialogOptions = {}): Promise<void> {
    const dc = await this.contexts.create(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(MAIN_DIALOG, options);
  }

  async continue(context: TurnContext): Promise<void> {
    const dc = await this.contexts.create(context);
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
