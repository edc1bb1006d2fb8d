import type { TurnContext } from 'botbuilder';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { DialogsComponentRegistration } from 'botbuilder-dialogs/lib/dialogsComponentRegistration';
import { STATE_MANAGER_CONFIGURATION_KEY } from '../../dialogs/dialogRunner';
import { MENU_LABELS, mainMenu, t, testBot, welcomed } from './conversationKit';

describe('the dialog runner', () => {
  afterEach(() => jest.restoreAllMocks());

  it('builds the dialogs’ memory configuration once and uses it in every later turn, not a new one per turn', async () => {
    const bot = testBot();
    const used: (DialogStateManagerConfiguration | undefined)[] = [];
    bot.adapter.use(async (context: TurnContext, next) => {
      await next();
      used.push(context.turnState.get(STATE_MANAGER_CONFIGURATION_KEY) as DialogStateManagerConfiguration | undefined);
    });
    const built = jest.spyOn(DialogsComponentRegistration.prototype, 'getMemoryScopes');

    await welcomed(bot)
      .send(t('menu.choice.livingRoom'))
      .assertReply(() => undefined)
      .send(t('livingRoom.choice.back'))
      .assertReply(mainMenu('menu.again'))
      .send(MENU_LABELS[0]!)
      .assertReply(t('triage.ask'));

    // The key is the one botbuilder-dialogs reads: every turn ran with a configuration under it …
    expect(used).toHaveLength(4);
    expect(used.every((configuration) => configuration !== undefined && configuration.memoryScopes.length > 0)).toBe(true);
    // … the same object each time, built in the first turn only.
    expect(new Set(used).size).toBe(1);
    expect(built).toHaveBeenCalledTimes(1);
  });
});
