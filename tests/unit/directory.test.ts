import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REQUIRED_URGENT_IDS,
  SERVICE_IDS,
  isServiceId,
  loadServiceDirectory,
  loadUrgentContacts,
  type ServiceContact,
} from '../../services/directory/directory';
import { LocaleDataError } from '../../services/locales/dataFile';
import { defaultLocalesDir, loadLocale } from '../../services/locales/locale';

const finnishDir = join(defaultLocalesDir(), 'fi');
const directory = loadServiceDirectory(finnishDir);
const urgent = loadUrgentContacts(finnishDir);
const everyContact: ServiceContact[] = directory.all().flatMap((service) => service.contacts);

interface ServiceData {
  id: string;
  contacts: Record<string, unknown>[];
  [field: string]: unknown;
}
interface UrgentData {
  id: string;
  [field: string]: unknown;
}

function copyOfLocales(): { root: string; fi: string } {
  const root = mkdtempSync(join(tmpdir(), 'locales-'));
  cpSync(defaultLocalesDir(), root, { recursive: true });
  return { root, fi: join(root, 'fi') };
}

/** A copy of the locales with services.json changed; returns the copy's language folder. */
function brokenServices(change: (services: ServiceData[]) => void): string {
  const { fi } = copyOfLocales();
  const path = join(fi, 'services.json');
  const data = JSON.parse(readFileSync(path, 'utf8')) as { services: ServiceData[] };
  change(data.services);
  writeFileSync(path, JSON.stringify(data));
  return fi;
}

function brokenUrgent(change: (contacts: UrgentData[]) => void): string {
  const { fi } = copyOfLocales();
  const path = join(fi, 'urgent.json');
  const data = JSON.parse(readFileSync(path, 'utf8')) as { contacts: UrgentData[] };
  change(data.contacts);
  writeFileSync(path, JSON.stringify(data));
  return fi;
}

function loadError(load: () => unknown): LocaleDataError {
  try {
    load();
  } catch (error) {
    if (error instanceof LocaleDataError) return error;
    throw error;
  }
  throw new Error('expected the data to be refused');
}

const indexOf = (services: ServiceData[], id: string) => services.findIndex((service) => service.id === id);

describe('the service directory in locales/fi/services.json', () => {
  it('loads with the locale', () => {
    const locale = loadLocale(defaultLocalesDir());
    expect(locale.services.all().map((service) => service.id)).toEqual([...SERVICE_IDS]);
    expect(locale.urgent.get('hatanumero')?.phone).toBe('112');
  });

  it.each(SERVICE_IDS)('describes %s with a name, a summary, what the desk does, contacts and what to have ready', (id) => {
    const service = directory.get(id);
    expect(service.id).toBe(id);
    expect(service.name.trim()).not.toBe('');
    expect(service.summary.trim()).not.toBe('');
    expect(service.deskHelp.trim()).not.toBe('');
    expect(service.contacts.length).toBeGreaterThan(0);
    expect(service.prepare.length).toBeGreaterThan(0);
  });

  it('keeps summaries to one to three sentences and the desk help to one or two (plain language)', () => {
    const sentences = (text: string) => text.split(/[.!?](?:\s|$)/).filter((part) => part.trim() !== '').length;
    const tooLong = directory
      .all()
      .filter((service) => sentences(service.summary) > 3 || sentences(service.deskHelp) > 2)
      .map((service) => service.id);
    expect(tooLong).toEqual([]);
  });

  it('gives every contact a phone number or an https address, and the date it was checked', () => {
    for (const contact of everyContact) {
      expect(contact.phone ?? contact.url).toBeTruthy();
      expect(contact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (contact.url) expect(new URL(contact.url).protocol).toBe('https:');
    }
  });

  it('writes hours as a short phrase without a full stop, since a contact is shown as one line joined by commas', () => {
    const hours = [...everyContact, ...urgent.all()].flatMap((contact) => (contact.hours ? [contact.hours] : []));
    expect(hours.length).toBeGreaterThan(10);
    expect(hours.filter((phrase) => /[.!?]$/.test(phrase) || /[.!?]\s/.test(phrase))).toEqual([]);
  });

  it('carries the national numbers named in the domain notes', () => {
    const phones = (id: (typeof SERVICE_IDS)[number]) => directory.get(id).contacts.map((contact) => contact.phone);
    expect(phones('talous')).toContain('0800 98009');
    expect(phones('paihteet')).toContain('0800 900 45');
    expect(phones('terveys')).toContain('116 117');
    expect(phones('mielenterveys')).toContain('09 2525 0111');
    const urls = everyContact.map((contact) => contact.url);
    expect(urls).toEqual(expect.arrayContaining(['https://tyomarkkinatori.fi', 'https://www.suomi.fi', 'https://www.omakanta.fi']));
  });

  it("gives the living room the desk's own phone number from desk.json", () => {
    const locale = loadLocale(defaultLocalesDir());
    expect(locale.services.get('olohuone').contacts.map((contact) => contact.phone)).toContain(locale.desk.phone);
  });

  it('tells the fixed ids apart from other labels', () => {
    expect(isServiceId('kela')).toBe(true);
    expect(isServiceId('none')).toBe(false);
  });
});

describe('invalid services.json stops the bot naming the file, the place and the reason', () => {
  it('refuses a missing service id', () => {
    const dir = brokenServices((services) => {
      services.splice(indexOf(services, 'koulutus'), 1);
    });
    const error = loadError(() => loadServiceDirectory(dir));
    expect(error.message).toMatch(/services\.json at services: missing service ids: koulutus/);
    expect(() => loadLocale(join(dir, '..'))).toThrow(LocaleDataError);
  });

  it('refuses a service listed twice', () => {
    const dir = brokenServices((services) => {
      services.push({ ...services[indexOf(services, 'kela')]! });
    });
    expect(loadError(() => loadServiceDirectory(dir)).message).toMatch(/services\.json at services\.11\.id: service "kela" is listed twice \(also at services\.0\)/);
  });

  it('refuses an unknown service id', () => {
    const dir = brokenServices((services) => {
      services[2]!.id = 'velat';
    });
    expect(loadError(() => loadServiceDirectory(dir)).message).toMatch(/services\.json at services\.2\.id: expected one of the fixed service ids/);
  });

  it('refuses an http address', () => {
    const dir = brokenServices((services) => {
      services[0]!.contacts[1]!.url = 'http://www.kela.fi/soita-kelaan';
    });
    expect(loadError(() => loadServiceDirectory(dir)).message).toMatch(/services\.json at services\.0\.contacts\.1\.url: expected an https:\/\/ address/);
  });

  it('refuses a checked date that is not YYYY-MM-DD or not in the calendar', () => {
    const notIso = brokenServices((services) => {
      services[3]!.contacts[0]!.checked = '23.11.2026';
    });
    expect(loadError(() => loadServiceDirectory(notIso)).message).toMatch(/services\.json at services\.3\.contacts\.0\.checked: expected a date as YYYY-MM-DD/);
    const noSuchDay = brokenServices((services) => {
      services[3]!.contacts[0]!.checked = '2026-02-30';
    });
    expect(loadError(() => loadServiceDirectory(noSuchDay)).message).toMatch(/services\.3\.contacts\.0\.checked: expected a date that exists/);
  });

  it('refuses a contact with neither a phone number nor an address', () => {
    const dir = brokenServices((services) => {
      delete services[0]!.contacts[0]!.url;
    });
    expect(loadError(() => loadServiceDirectory(dir)).message).toMatch(/services\.json at services\.0\.contacts\.0: a contact needs a phone number or an address/);
  });

  it('refuses an unexpected field and an empty list of things to have ready', () => {
    const extra = brokenServices((services) => {
      services[4]!.email = 'x@example.fi';
    });
    expect(loadError(() => loadServiceDirectory(extra)).message).toMatch(/services\.json at services\.4: .*email/);
    const empty = brokenServices((services) => {
      services[5]!.prepare = [];
    });
    expect(loadError(() => loadServiceDirectory(empty)).message).toMatch(/services\.5\.prepare: expected at least one thing to have ready/);
  });

  it('names the file that is not JSON', () => {
    const { fi } = copyOfLocales();
    writeFileSync(join(fi, 'services.json'), '{ "services": [');
    expect(loadError(() => loadServiceDirectory(fi)).file).toBe(join(fi, 'services.json'));
  });
});

describe('the urgent contacts in locales/fi/urgent.json', () => {
  it('have the emergency number, the crisis helpline and the poison information centre', () => {
    const phones = urgent.all().map((contact) => contact.phone);
    expect(phones).toEqual(expect.arrayContaining(['112', '09 2525 0111', '09 2525 0112', '0800 147 111', '116 117', '0800 900 45']));
    for (const id of REQUIRED_URGENT_IDS) expect(urgent.get(id)).toBeDefined();
    expect(urgent.get('kriisipuhelin')?.hours).toMatch(/ympäri vuorokauden/);
  });

  it('give each contact hours and the date it was checked', () => {
    for (const contact of urgent.all()) {
      expect(contact.hours.trim()).not.toBe('');
      expect(contact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('refuse a missing crisis helpline', () => {
    const dir = brokenUrgent((contacts) => {
      contacts.splice(
        contacts.findIndex((contact) => contact.id === 'kriisipuhelin'),
        1,
      );
    });
    expect(loadError(() => loadUrgentContacts(dir)).message).toMatch(/urgent\.json at contacts: missing required contact ids: kriisipuhelin/);
  });

  it('refuse a repeated id, a missing phone number and a bad date', () => {
    const repeated = brokenUrgent((contacts) => {
      contacts[3]!.id = 'hatanumero';
    });
    expect(loadError(() => loadUrgentContacts(repeated)).message).toMatch(/urgent\.json at contacts\.3\.id: contact "hatanumero" is listed twice/);
    const noPhone = brokenUrgent((contacts) => {
      delete contacts[1]!.phone;
    });
    expect(loadError(() => loadUrgentContacts(noPhone)).message).toMatch(/urgent\.json at contacts\.1\.phone/);
    const badDate = brokenUrgent((contacts) => {
      contacts[0]!.checked = '2026-11-31';
    });
    expect(loadError(() => loadUrgentContacts(badDate)).message).toMatch(/urgent\.json at contacts\.0\.checked: expected a date that exists/);
  });
});
