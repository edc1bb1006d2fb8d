import { ActivityTypes, ConversationState, MemoryStorage, TestAdapter, type Activity, type StoreItems, type TurnContext } from 'botbuilder';
import { deskContactLine } from '../../dialogs/deskContact';
import { DialogRunner } from '../../dialogs/dialogRunner';
import { MainDialog } from '../../dialogs/mainDialog';
import { HelpDeskBot } from '../../bot/helpDeskBot';
import { ResidentInputMiddleware } from '../../bot/middleware/residentInput';
import { LivingRoomTexts } from '../../services/livingRoom/livingRoomTexts';
import type { MessageKey } from '../../services/locales/messages';
import type { CallbackStore } from '../../services/callbacks/callbackStore';
import type { SuggestionStore } from '../../services/suggestions/suggestionStore';
import { DEFAULT_OFFICE_HOURS } from '../../services/time/callbackWindow';
import type { Triage } from '../../services/triage/triage';
import { finnish, finnishTriage } from '../support/botTestKit';

/**
 * The real HelpDeskBot + DialogRunner + MainDialog on botbuilder's TestAdapter, with the resident-input
 * middleware and a fixed clock. State lives in memory: these tests are about the conversation, not Redis.
 */

export const locale = finnish();
export const { t } = locale.messages;

/** Tuesday 24 November 2026, 10.00 in Helsinki: the living room (Mon–Wed 9–15) is open. */
export const NOW = new Date('2026-11-24T10:00:00+02:00');
export const MAX_MESSAGE_CHARS = 2000;

export const MENU_LABELS = (['menu.choice.matter', 'menu.choice.callback', 'menu.choice.livingRoom', 'menu.choice.suggestion'] as const).map((key) => t(key));
export const LIVING_ROOM_LABELS = (
  [
    'livingRoom.choice.hours',
    'livingRoom.choice.program',
    'livingRoom.choice.everydayHelp',
    'livingRoom.choice.groups',
    'livingRoom.choice.events',
    'livingRoom.choice.back',
  ] as const
).map((key) => t(key));

export const WELCOME = [t('welcome.greeting'), t('welcome.automated'), t('welcome.privacy'), t('welcome.human')].join('\n\n');
export const DESK_LINE = deskContactLine(locale);
export const livingRoomTexts = new LivingRoomTexts(locale.livingRoom, locale.messages);
export const LIVING_ROOM_FIRST_QUESTION = `${t('livingRoom.intro', { name: locale.livingRoom.name })} ${livingRoomTexts.openNow(NOW)}\n\n${t('livingRoom.prompt')}`;

/** A MemoryStorage that keeps a copy of everything written, to check what was stored. */
export class RecordingStorage extends MemoryStorage {
  readonly writes: string[] = [];
  override async write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.stringify(changes));
    return super.write(changes);
  }
}

export interface TestBot {
  adapter: TestAdapter;
  storage: RecordingStorage;
  /** The text of every message as the bot saw it, after the middleware. */
  seen: string[];
}

export interface TestBotParts {
  clock?: () => Date;
  triage?: Triage;
  /** Where callback requests go: a real Redis store in the callback tests; none (not stored) otherwise. */
  callbacks?: Pick<CallbackStore, 'create'>;
  suggestions?: Pick<SuggestionStore, 'add'>;
}

export const OFFICE_HOURS = DEFAULT_OFFICE_HOURS;
export const RETENTION_DAYS = 30;

export function testBot(parts: TestBotParts = {}): TestBot {
  const storage = new RecordingStorage();
  const conversationState = new ConversationState(storage);
  const mainDialog = new MainDialog(locale, {
    clock: parts.clock ?? (() => NOW),
    triage: parts.triage ?? finnishTriage(),
    callbacks: { requests: parts.callbacks, officeHours: OFFICE_HOURS, retentionDays: RETENTION_DAYS },
    suggestions: { suggestions: parts.suggestions },
  });
  const bot = new HelpDeskBot(conversationState, new DialogRunner(conversationState, mainDialog), locale);
  const adapter = new TestAdapter(async (context) => bot.run(context));
  const seen: string[] = [];
  adapter.use(new ResidentInputMiddleware(locale, MAX_MESSAGE_CHARS));
  adapter.use(async (context: TurnContext, next) => {
    if (context.activity.type === ActivityTypes.Message) seen.push(context.activity.text ?? '');
    await next();
  });
  return { adapter, storage, seen };
}

export function buttonsOf(activity: Partial<Activity>): (string | undefined)[] {
  return activity.suggestedActions?.actions.map((action) => action.title) ?? [];
}

/** Inspector for a question with buttons: exact text and exact button titles. */
export function asks(text: string, buttons: string[]) {
  return (reply: Partial<Activity>): void => {
    expect({ text: reply.text, buttons: buttonsOf(reply) }).toEqual({ text, buttons });
  };
}

export const mainMenu = (key: Extract<MessageKey, 'menu.prompt' | 'menu.again' | 'menu.retry'> = 'menu.prompt') => asks(t(key), MENU_LABELS);
export const livingRoomMenu = (text: string = LIVING_ROOM_FIRST_QUESTION) => asks(text, LIVING_ROOM_LABELS);
export const livingRoomMore = () => asks(t('livingRoom.more'), LIVING_ROOM_LABELS);

/** Starts a conversation with "hei": the welcome, then the main menu. */
export function welcomed(bot: TestBot) {
  return bot.adapter.send('hei').assertReply(WELCOME).assertReply(mainMenu());
}

/** Starts a conversation and opens the living room by its button. */
export function inLivingRoom(bot: TestBot) {
  return welcomed(bot).send(t('menu.choice.livingRoom')).assertReply(livingRoomMenu());
}

/** Nothing more was said in the turns so far. */
export function saidNothingMore(bot: TestBot) {
  return (): void => {
    expect(bot.adapter.activeQueue.map((activity) => activity.text)).toEqual([]);
  };
}
