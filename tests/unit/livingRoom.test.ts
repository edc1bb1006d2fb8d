import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  livingRoomSchema,
  openingStatus,
  upcomingEvents,
  upcomingExceptions,
  weeklyHourRuns,
  type LivingRoom,
} from '../../services/livingRoom/livingRoom';
import { LivingRoomTexts } from '../../services/livingRoom/livingRoomTexts';
import { defaultLocalesDir, loadLocale } from '../../services/locales/locale';
import { helsinkiMoment } from '../../services/time/helsinki';
import { finnish } from '../support/botTestKit';

/**
 * Calendar used below (Helsinki): 2026-11-23 Mon, 11-24 Tue, 11-27 Fri, 11-28 Sat, 11-30 Mon,
 * 12-04 Fri, 12-07 Mon, 12-08 Tue, 12-09 Wed, 12-10 Thu. Winter time (+02:00) from 2026-10-25 on.
 */
function at(helsinkiLocalIso: string, offset = '+02:00'): Date {
  return new Date(`${helsinkiLocalIso}${offset}`);
}

const hours = (day: number, opens: string, closes: string) => ({ day, opens, closes });

function room(overrides: Partial<LivingRoom> = {}): LivingRoom {
  return {
    name: 'Olkkari',
    address: 'Testikatu 1',
    openingHours: [hours(1, '09:00', '15:00'), hours(2, '09:00', '15:00'), hours(3, '09:00', '15:00'), hours(4, '09:00', '17:00'), hours(5, '09:00', '13:00')],
    exceptions: [
      { date: '2026-12-07', closed: true, note: 'testipyhä' },
      { date: '2026-12-09', opens: '09:00', closes: '12:00', note: 'lyhyt päivä' },
      { date: '2026-12-10', opens: '12:00', closes: '16:00', note: 'myöhäinen aamu' },
      { date: '2026-11-02', closed: true, note: 'mennyt pyhä' },
    ],
    weeklyProgram: [
      { day: 3, time: '11:00', title: 'Lounas', description: 'Syödään yhdessä.' },
      { day: 1, time: '13:00', title: 'Lehtipiiri', description: 'Luetaan lehtiä.' },
      { day: 1, time: '10:00', title: 'Aamukahvi', description: 'Kahvi on valmiina.' },
    ],
    everydayHelp: [{ title: 'Suihku', description: 'Pyyhkeen saat lainaksi.' }],
    groups: [{ title: 'Kehittäjäryhmä', when: 'perjantaisin klo 10', description: 'Ideoidaan yhdessä.' }],
    events: [],
    checked: '2026-11-23',
    ...overrides,
  };
}

const locale = finnish();
const { t } = locale.messages;
const texts = (data: LivingRoom = room()) => new LivingRoomTexts(data, locale.messages);

describe('openingStatus', () => {
  it('is open inside the hours and tells when it closes', () => {
    expect(openingStatus(room(), at('2026-11-24T10:00'))).toEqual({ open: true, closes: '15:00' });
    expect(openingStatus(room(), at('2026-11-26T16:59'))).toEqual({ open: true, closes: '17:00' });
  });

  it('opens at the opening minute and closes at the closing minute', () => {
    expect(openingStatus(room(), at('2026-11-24T09:00')).open).toBe(true);
    expect(openingStatus(room(), at('2026-11-24T08:59')).open).toBe(false);
    expect(openingStatus(room(), at('2026-11-24T15:00'))).toEqual({ open: false, next: { date: '2026-11-25', daysAhead: 1, opens: '09:00' } });
  });

  it('before opening, opens later today', () => {
    expect(openingStatus(room(), at('2026-11-24T07:30'))).toEqual({ open: false, next: { date: '2026-11-24', daysAhead: 0, opens: '09:00' } });
  });

  it('after closing on Friday, opens on Monday', () => {
    expect(openingStatus(room(), at('2026-11-27T14:00'))).toEqual({ open: false, next: { date: '2026-11-30', daysAhead: 3, opens: '09:00' } });
    expect(openingStatus(room(), at('2026-11-28T12:00'))).toEqual({ open: false, next: { date: '2026-11-30', daysAhead: 2, opens: '09:00' } });
  });

  it('is closed all day on a closed exception date and skips it when looking ahead', () => {
    expect(openingStatus(room(), at('2026-12-07T10:00'))).toEqual({ open: false, next: { date: '2026-12-08', daysAhead: 1, opens: '09:00' } });
    expect(openingStatus(room(), at('2026-12-04T14:00'))).toEqual({ open: false, next: { date: '2026-12-08', daysAhead: 4, opens: '09:00' } });
  });

  it('follows the shorter or later hours of an exception date', () => {
    expect(openingStatus(room(), at('2026-12-09T11:00'))).toEqual({ open: true, closes: '12:00' });
    expect(openingStatus(room(), at('2026-12-09T12:30'))).toEqual({ open: false, next: { date: '2026-12-10', daysAhead: 1, opens: '12:00' } });
    expect(openingStatus(room(), at('2026-12-10T10:00'))).toEqual({ open: false, next: { date: '2026-12-10', daysAhead: 0, opens: '12:00' } });
    expect(openingStatus(room(), at('2026-12-10T16:30')).open).toBe(false);
  });

  it('has no next opening when there are no hours in the next two weeks', () => {
    expect(openingStatus(room({ openingHours: [] }), at('2026-11-24T10:00'))).toEqual({ open: false });
  });
});

describe('Helsinki time across the daylight-saving changes', () => {
  const sundays = room({ openingHours: [hours(1, '09:00', '15:00'), hours(7, '09:00', '12:00')] });

  it('turns an instant into Helsinki date and minutes (+02 in winter, +03 in summer)', () => {
    expect(helsinkiMoment(new Date('2026-03-29T00:30:00Z'))).toEqual({ date: '2026-03-29', weekday: 7, minutes: 2 * 60 + 30 });
    expect(helsinkiMoment(new Date('2026-03-29T01:30:00Z'))).toEqual({ date: '2026-03-29', weekday: 7, minutes: 4 * 60 + 30 });
    expect(helsinkiMoment(new Date('2026-10-25T00:30:00Z'))).toEqual({ date: '2026-10-25', weekday: 7, minutes: 3 * 60 + 30 });
    expect(helsinkiMoment(new Date('2026-10-25T01:30:00Z'))).toEqual({ date: '2026-10-25', weekday: 7, minutes: 3 * 60 + 30 });
    expect(helsinkiMoment(new Date('2026-03-29T21:30:00Z'))).toEqual({ date: '2026-03-30', weekday: 1, minutes: 30 });
  });

  it('on 2026-03-29 (clocks forward), 06:30 UTC is 09:30 in Helsinki: open', () => {
    expect(openingStatus(sundays, new Date('2026-03-29T06:30:00Z'))).toEqual({ open: true, closes: '12:00' });
    expect(openingStatus(sundays, new Date('2026-03-30T06:30:00Z'))).toEqual({ open: true, closes: '15:00' });
    expect(openingStatus(sundays, new Date('2026-03-30T05:30:00Z'))).toEqual({ open: false, next: { date: '2026-03-30', daysAhead: 0, opens: '09:00' } });
  });

  it('just after midnight on Monday 2026-03-30 (summer time), it opens "tänään"', () => {
    expect(texts(sundays).openNow(new Date('2026-03-29T21:30:00Z'))).toBe(
      `${t('livingRoom.closedNow', { name: 'Olkkari' })} ${t('livingRoom.nextOpening', { when: 'tänään', opens: '9' })}`,
    );
  });

  it('on 2026-10-25 (clocks back), 06:30 UTC is 08:30 in Helsinki: still closed, opens today at 9', () => {
    expect(openingStatus(sundays, new Date('2026-10-25T06:30:00Z'))).toEqual({ open: false, next: { date: '2026-10-25', daysAhead: 0, opens: '09:00' } });
    expect(openingStatus(sundays, new Date('2026-10-25T07:00:00Z'))).toEqual({ open: true, closes: '12:00' });
    expect(openingStatus(sundays, new Date('2026-10-26T06:59:00Z')).open).toBe(false);
    expect(openingStatus(sundays, new Date('2026-10-26T07:00:00Z')).open).toBe(true);
  });

  it.each(['UTC', 'America/Los_Angeles', 'Asia/Tokyo'])('gives the same Helsinki answers when the process runs with TZ=%s', (timeZone) => {
    const script = `
      const { helsinkiMoment } = require('./services/time/helsinki.ts');
      const { openingStatus } = require('./services/livingRoom/livingRoom.ts');
      const room = ${JSON.stringify(sundays)};
      const instants = ['2026-03-29T06:30:00Z', '2026-03-29T21:30:00Z', '2026-10-25T06:30:00Z', '2026-10-25T21:30:00Z'];
      console.log(JSON.stringify({
        offset: new Date('2026-01-01T00:00:00Z').getTimezoneOffset(),
        moments: instants.map((i) => helsinkiMoment(new Date(i))),
        statuses: instants.map((i) => openingStatus(room, new Date(i))),
      }));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: join(defaultLocalesDir(), '..'),
      env: { ...process.env, TZ: timeZone },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const output = JSON.parse(child.stdout) as { offset: number; moments: unknown[]; statuses: unknown[] };
    expect(output.offset).toBe({ UTC: 0, 'America/Los_Angeles': 480, 'Asia/Tokyo': -540 }[timeZone]);
    expect(output.moments).toEqual([
      { date: '2026-03-29', weekday: 7, minutes: 9 * 60 + 30 },
      { date: '2026-03-30', weekday: 1, minutes: 30 },
      { date: '2026-10-25', weekday: 7, minutes: 8 * 60 + 30 },
      { date: '2026-10-25', weekday: 7, minutes: 23 * 60 + 30 },
    ]);
    expect(output.statuses).toEqual([
      { open: true, closes: '12:00' },
      { open: false, next: { date: '2026-03-30', daysAhead: 0, opens: '09:00' } },
      { open: false, next: { date: '2026-10-25', daysAhead: 0, opens: '09:00' } },
      { open: false, next: { date: '2026-10-26', daysAhead: 1, opens: '09:00' } },
    ]);
  });
});

describe('upcomingExceptions and upcomingEvents', () => {
  const events: LivingRoom['events'] = [
    { date: '2027-01-21', time: '10:00', title: 'Metsäretki', description: 'Lähdetään metsään.' },
    { date: '2026-11-20', time: '12:00', title: 'Mennyt juhla', description: 'Oli jo.' },
    { date: '2026-12-10', time: '14:00', title: 'Iltapäiväkahvit', description: 'Pullaa.' },
    { date: '2026-12-10', time: '12:00', title: 'Joulupuuro', description: 'Puuroa.' },
    { date: '2026-11-24', time: '18:00', title: 'Tämän päivän ilta', description: 'Tänään.' },
  ];

  it('lists exceptions from today on, in date order', () => {
    expect(upcomingExceptions(room(), at('2026-11-24T10:00')).map((exception) => exception.date)).toEqual(['2026-12-07', '2026-12-09', '2026-12-10']);
    expect(upcomingExceptions(room(), at('2026-12-09T16:00')).map((exception) => exception.date)).toEqual(['2026-12-09', '2026-12-10']);
  });

  it('leaves out past events and sorts the rest by date and time', () => {
    expect(upcomingEvents(room({ events }), at('2026-11-24T10:00')).map((event) => event.title)).toEqual([
      'Tämän päivän ilta',
      'Joulupuuro',
      'Iltapäiväkahvit',
      'Metsäretki',
    ]);
    expect(upcomingEvents(room({ events }), at('2026-11-25T10:00'), 2).map((event) => event.title)).toEqual(['Joulupuuro', 'Iltapäiväkahvit']);
  });

  it('leaves out an event of today that has already started', () => {
    expect(upcomingEvents(room({ events }), at('2026-12-10T13:00')).map((event) => event.title)).toEqual(['Iltapäiväkahvit', 'Metsäretki']);
    expect(upcomingEvents(room({ events }), at('2026-12-10T12:00')).map((event) => event.title)).toEqual(['Joulupuuro', 'Iltapäiväkahvit', 'Metsäretki']);
  });

  it('shows at most five events by default', () => {
    const many = Array.from({ length: 7 }, (_, index) => ({ date: `2026-12-1${index}`, time: '10:00', title: `Tapahtuma ${index}`, description: 'x' }));
    expect(upcomingEvents(room({ events: many }), at('2026-11-24T10:00'))).toHaveLength(5);
  });

  it('events text lists upcoming events in Finnish, soonest first, without past ones', () => {
    const said = texts(room({ events })).events(at('2026-11-25T10:00'));
    expect(said).toBe(
      [
        t('livingRoom.eventsTitle'),
        `- ${t('livingRoom.eventLine', { date: '10.12.', time: '12', title: 'Joulupuuro', description: 'Puuroa.' })}`,
        `- ${t('livingRoom.eventLine', { date: '10.12.', time: '14', title: 'Iltapäiväkahvit', description: 'Pullaa.' })}`,
        `- ${t('livingRoom.eventLine', { date: '21.1.', time: '10', title: 'Metsäretki', description: 'Lähdetään metsään.' })}`,
      ].join('\n'),
    );
    expect(said).not.toContain('Mennyt juhla');
  });

  it('says there are no events when none are coming', () => {
    expect(texts(room({ events: [] })).events(at('2026-11-24T10:00'))).toBe(t('livingRoom.noEvents'));
    expect(texts(room({ events })).events(at('2027-02-01T10:00'))).toBe(t('livingRoom.noEvents'));
  });
});

describe('weeklyHourRuns', () => {
  it('groups equal consecutive days into one run', () => {
    expect(weeklyHourRuns(room())).toEqual([
      { firstDay: 1, lastDay: 3, opens: '09:00', closes: '15:00' },
      { firstDay: 4, lastDay: 4, opens: '09:00', closes: '17:00' },
      { firstDay: 5, lastDay: 5, opens: '09:00', closes: '13:00' },
    ]);
  });

  it('does not join equal days with a closed day between them, and sorts the days first', () => {
    const data = room({ openingHours: [hours(3, '09:00', '15:00'), hours(1, '09:00', '15:00'), hours(6, '10:00', '14:00'), hours(7, '10:00', '14:00')] });
    expect(weeklyHourRuns(data)).toEqual([
      { firstDay: 1, lastDay: 1, opens: '09:00', closes: '15:00' },
      { firstDay: 3, lastDay: 3, opens: '09:00', closes: '15:00' },
      { firstDay: 6, lastDay: 7, opens: '10:00', closes: '14:00' },
    ]);
  });
});

describe('LivingRoomTexts', () => {
  it('open now: "… on nyt auki. Se menee kiinni tänään klo 15."', () => {
    expect(texts().openNow(at('2026-11-24T10:00'))).toBe('Olkkari on nyt auki. Se menee kiinni tänään klo 15.');
  });

  it('closed before opening: opens "tänään"', () => {
    expect(texts().openNow(at('2026-11-24T07:30'))).toBe('Olkkari on nyt kiinni. Se aukeaa tänään klo 9.');
  });

  it('closed after closing: opens "huomenna"', () => {
    expect(texts().openNow(at('2026-11-24T16:00'))).toBe('Olkkari on nyt kiinni. Se aukeaa huomenna klo 9.');
  });

  it('closed for the weekend: opens on a named weekday with its date', () => {
    expect(texts().openNow(at('2026-11-27T14:00'))).toBe('Olkkari on nyt kiinni. Se aukeaa maanantaina 30.11. klo 9.');
    expect(texts().openNow(at('2026-12-04T14:00'))).toBe('Olkkari on nyt kiinni. Se aukeaa tiistaina 8.12. klo 9.');
  });

  it('on an exception date with later hours: opens today at the exception time, written the Finnish way', () => {
    expect(texts(room({ exceptions: [{ date: '2026-12-10', opens: '12:30', closes: '16:00', note: 'koulutus' }] })).openNow(at('2026-12-10T10:00'))).toBe(
      'Olkkari on nyt kiinni. Se aukeaa tänään klo 12.30.',
    );
  });

  it('with no opening in sight says so', () => {
    expect(texts(room({ openingHours: [] })).openNow(at('2026-11-24T10:00'))).toBe(
      `${t('livingRoom.closedNow', { name: 'Olkkari' })} ${t('livingRoom.noOpeningSoon')}`,
    );
  });

  it('hours: status, weekly runs ("ma–ke klo 9–15"), upcoming exceptions and the address', () => {
    expect(texts().hours(at('2026-11-24T10:00'))).toBe(
      [
        'Olkkari on nyt auki. Se menee kiinni tänään klo 15.',
        ['Aukioloajat:', '- ma–ke klo 9–15', '- to klo 9–17', '- pe klo 9–13'].join('\n'),
        ['Poikkeukset:', '- 7.12. kiinni (testipyhä)', '- 9.12. klo 9–12 (lyhyt päivä)', '- 10.12. klo 12–16 (myöhäinen aamu)'].join('\n'),
        'Osoite: Testikatu 1',
      ].join('\n\n'),
    );
  });

  it('hours without upcoming exceptions has no exceptions list', () => {
    const said = texts().hours(at('2026-12-11T10:00'));
    expect(said).not.toContain(t('livingRoom.exceptionsTitle'));
    expect(said).toContain('- ma–ke klo 9–15');
  });

  it('weekly programme is sorted by day and time, with capitalised weekdays', () => {
    expect(texts().weeklyProgram()).toBe(
      [
        [
          'Viikon ohjelma:',
          '- Maanantaina klo 10: Aamukahvi. Kahvi on valmiina.',
          '- Maanantaina klo 13: Lehtipiiri. Luetaan lehtiä.',
          '- Keskiviikkona klo 11: Lounas. Syödään yhdessä.',
        ].join('\n'),
        t('livingRoom.free'),
      ].join('\n\n'),
    );
  });

  it('everyday help and groups are bullet lists', () => {
    expect(texts().everydayHelp()).toBe(`${t('livingRoom.everydayHelpTitle')}\n- Suihku. Pyyhkeen saat lainaksi.`);
    expect(texts().groups()).toBe(`${t('livingRoom.groupsTitle')}\n- Kehittäjäryhmä (perjantaisin klo 10). Ideoidaan yhdessä.`);
  });
});

describe('the living room data', () => {
  it('the real locales/fi/livingRoom.json loads and matches the schema', () => {
    const file = join(defaultLocalesDir(), 'fi', 'livingRoom.json');
    const parsed = livingRoomSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.success).toBe(true);
    const loaded = loadLocale(defaultLocalesDir()).livingRoom;
    expect(loaded.name).toBe('Olohuone');
    expect(loaded.openingHours.length).toBeGreaterThan(0);
    expect(texts(loaded).hours(at('2026-11-24T10:00'))).toContain('- ma–ke klo 9–15');
  });

  it('rejects opening hours that close before they open', () => {
    const bad = { ...room(), openingHours: [hours(1, '15:00', '09:00')] };
    expect(livingRoomSchema.safeParse(bad).success).toBe(false);
  });
});
