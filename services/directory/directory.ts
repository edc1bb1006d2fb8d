import { join } from 'node:path';
import { z } from 'zod';
import { LocaleDataError, isoDate, readDataFile, text } from '../locales/dataFile';

/**
 * The services the desk guides people to. The ids are fixed: staff statistics count guidance by them,
 * so the data file must list each of them exactly once and nothing else.
 */
export const SERVICE_IDS = [
  'kela',
  'tyollisyys',
  'talous',
  'sosiaalityo',
  'mielenterveys',
  'paihteet',
  'asuminen',
  'terveys',
  'digituki',
  'olohuone',
  'koulutus',
] as const;

export type ServiceId = (typeof SERVICE_IDS)[number];

const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https:// address' });
const phone = text;

const contactSchema = z
  .strictObject({
    name: text,
    phone: phone.optional(),
    url: httpsUrl.optional(),
    hours: text.optional(),
    checked: isoDate,
  })
  .refine((contact) => contact.phone !== undefined || contact.url !== undefined, {
    message: 'a contact needs a phone number or an address (url)',
  });

const serviceSchema = z.strictObject({
  id: z.enum(SERVICE_IDS, { error: `expected one of the fixed service ids: ${SERVICE_IDS.join(', ')}` }),
  name: text,
  summary: text,
  deskHelp: text,
  contacts: z.array(contactSchema).min(1, 'expected at least one contact'),
  prepare: z.array(text).min(1, 'expected at least one thing to have ready'),
});

export const serviceDirectorySchema = z.strictObject({ services: z.array(serviceSchema) });

export type ServiceContact = z.output<typeof contactSchema>;
export type Service = z.output<typeof serviceSchema>;

/** The service directory of one language, every fixed id present. */
export interface ServiceDirectory {
  get(id: ServiceId): Service;
  /** In the order of the data file. */
  all(): readonly Service[];
}

export const SERVICES_FILE = 'services.json';
export const URGENT_FILE = 'urgent.json';

/**
 * Indexes the records of one list by id. A repeated id, or a required id that is missing, stops the bot like
 * any invalid data, naming the file and the place.
 */
function indexById<T extends { id: string }>(
  file: string,
  list: string,
  items: readonly T[],
  names: { item: string; missing: string },
  required: readonly string[],
): Map<string, T> {
  const byId = new Map<string, T>();
  items.forEach((item, index) => {
    const earlier = items.findIndex((candidate) => candidate.id === item.id);
    if (earlier !== index) throw new LocaleDataError(file, `${list}.${index}.id`, `${names.item} "${item.id}" is listed twice (also at ${list}.${earlier})`);
    byId.set(item.id, item);
  });
  const missing = required.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new LocaleDataError(file, list, `missing ${names.missing}: ${missing.join(', ')}`);
  return byId;
}

/** Reads `services.json` from one language's folder; a missing, repeated or unknown id stops the bot like any invalid data. */
export function loadServiceDirectory(dir: string): ServiceDirectory {
  const { services } = readDataFile(dir, SERVICES_FILE, serviceDirectorySchema);
  const byId = indexById(join(dir, SERVICES_FILE), 'services', services, { item: 'service', missing: 'service ids' }, SERVICE_IDS);
  const all = Object.freeze([...services]);
  return {
    get: (id) => byId.get(id)!,
    all: () => all,
  };
}

/** Is this text one of the fixed service ids? For labels coming from elsewhere (triage, staff input). */
export function isServiceId(candidate: string): candidate is ServiceId {
  return (SERVICE_IDS as readonly string[]).includes(candidate);
}

const urgentContactSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected an id of lowercase letters, digits and hyphens'),
  name: text,
  phone,
  hours: text,
  url: httpsUrl.optional(),
  checked: isoDate,
});

export const urgentContactsSchema = z.strictObject({ contacts: z.array(urgentContactSchema).min(1, 'expected at least one contact') });

export type UrgentContact = z.output<typeof urgentContactSchema>;

/**
 * Urgent contacts that a crisis reply must always be able to show (the emergency number and the crisis
 * helpline, see DOMAIN "Safety first").
 */
export const REQUIRED_URGENT_IDS = ['hatanumero', 'kriisipuhelin'] as const;

/** The contacts shown at once in a crisis, in the order of the data file. */
export interface UrgentContacts {
  get(id: string): UrgentContact | undefined;
  all(): readonly UrgentContact[];
}

/** Reads `urgent.json` from one language's folder; ids must be unique and the required ones present. */
export function loadUrgentContacts(dir: string): UrgentContacts {
  const { contacts } = readDataFile(dir, URGENT_FILE, urgentContactsSchema);
  const byId = indexById(join(dir, URGENT_FILE), 'contacts', contacts, { item: 'contact', missing: 'required contact ids' }, REQUIRED_URGENT_IDS);
  const all = Object.freeze([...contacts]);
  return {
    get: (id) => byId.get(id),
    all: () => all,
  };
}
