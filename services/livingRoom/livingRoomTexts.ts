import type { MessageKey, MessageValues, Messages } from '../locales/messages';
import { finnishClock, finnishDate, isoWeekday } from '../time/helsinki';
import { openingStatus, upcomingEvents, upcomingExceptions, weeklyHourRuns, type LivingRoom } from './livingRoom';

const WEEKDAY: readonly MessageKey[] = ['weekday.1', 'weekday.2', 'weekday.3', 'weekday.4', 'weekday.5', 'weekday.6', 'weekday.7'];
const WEEKDAY_SHORT: readonly MessageKey[] = [
  'weekdayShort.1',
  'weekdayShort.2',
  'weekdayShort.3',
  'weekdayShort.4',
  'weekdayShort.5',
  'weekdayShort.6',
  'weekdayShort.7',
];

/**
 * The living room's information as plain Finnish text, one message per topic. Lists are Markdown bullet
 * lists, which Web Chat and the Emulator show as lists and a terminal shows as lines.
 */
export class LivingRoomTexts {
  constructor(
    private readonly room: LivingRoom,
    private readonly messages: Messages,
  ) {}

  /** "Olohuone on nyt auki…" or "…kiinni. Se aukeaa huomenna klo 9." */
  openNow(now: Date): string {
    const status = openingStatus(this.room, now);
    if (status.open) return this.t('livingRoom.openNow', { name: this.room.name, closes: finnishClock(status.closes) });
    const closed = this.t('livingRoom.closedNow', { name: this.room.name });
    if (!status.next) return `${closed} ${this.t('livingRoom.noOpeningSoon')}`;
    const { date, daysAhead, opens } = status.next;
    return `${closed} ${this.t('livingRoom.nextOpening', { when: this.dayPhrase(date, daysAhead), opens: finnishClock(opens) })}`;
  }

  hours(now: Date): string {
    const weekly = weeklyHourRuns(this.room).map((run) => {
      const first = this.t(WEEKDAY_SHORT[run.firstDay - 1]!);
      const days = run.firstDay === run.lastDay ? first : `${first}–${this.t(WEEKDAY_SHORT[run.lastDay - 1]!)}`;
      return this.t('livingRoom.hoursLine', { days, opens: finnishClock(run.opens), closes: finnishClock(run.closes) });
    });
    const exceptions = upcomingExceptions(this.room, now)
      .slice(0, 6)
      .map((exception) =>
        'closed' in exception
          ? this.t('livingRoom.exceptionClosed', { date: finnishDate(exception.date), note: exception.note })
          : this.t('livingRoom.exceptionHours', {
              date: finnishDate(exception.date),
              opens: finnishClock(exception.opens),
              closes: finnishClock(exception.closes),
              note: exception.note,
            }),
      );
    const parts = [this.openNow(now), list(this.t('livingRoom.hoursTitle'), weekly)];
    if (exceptions.length > 0) parts.push(list(this.t('livingRoom.exceptionsTitle'), exceptions));
    parts.push(this.t('livingRoom.address', { address: this.room.address }));
    return parts.join('\n\n');
  }

  weeklyProgram(): string {
    const lines = [...this.room.weeklyProgram]
      .sort((a, b) => a.day - b.day || a.time.localeCompare(b.time))
      .map((item) =>
        this.t('livingRoom.programLine', {
          day: capitalize(this.t(WEEKDAY[item.day - 1]!)),
          time: finnishClock(item.time),
          title: item.title,
          description: item.description,
        }),
      );
    return [list(this.t('livingRoom.programTitle'), lines), this.t('livingRoom.free')].join('\n\n');
  }

  everydayHelp(): string {
    const lines = this.room.everydayHelp.map((help) => `${help.title}. ${help.description}`);
    return list(this.t('livingRoom.everydayHelpTitle'), lines);
  }

  groups(): string {
    return list(this.t('livingRoom.groupsTitle'), this.room.groups.map((group) => this.t('livingRoom.groupLine', group)));
  }

  events(now: Date): string {
    const events = upcomingEvents(this.room, now);
    if (events.length === 0) return this.t('livingRoom.noEvents');
    return list(
      this.t('livingRoom.eventsTitle'),
      events.map((event) =>
        this.t('livingRoom.eventLine', {
          date: finnishDate(event.date),
          time: finnishClock(event.time),
          title: event.title,
          description: event.description,
        }),
      ),
    );
  }

  private dayPhrase(date: string, daysAhead: number): string {
    if (daysAhead === 0) return this.t('day.today');
    if (daysAhead === 1) return this.t('day.tomorrow');
    return `${this.t(WEEKDAY[isoWeekday(date) - 1]!)} ${finnishDate(date)}`;
  }

  private get t(): (key: MessageKey, values?: MessageValues) => string {
    return this.messages.t;
  }
}

function list(title: string, lines: string[]): string {
  return [title, ...lines.map((line) => `- ${line}`)].join('\n');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
