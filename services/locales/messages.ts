import type fiMessages from '../../locales/fi/messages.json';

/** Every message key the Finnish locale defines; code that names any other key does not compile. */
export type MessageKey = keyof typeof fiMessages;
export type MessageValues = Record<string, string | number>;

/** The sentences a resident sees, looked up by key and filled in with values such as `{phone}`. */
export class Messages {
  constructor(private readonly texts: Readonly<Record<string, string>>) {}

  /** Safe to pass around on its own: `const { t } = locale.messages`. */
  readonly t = (key: MessageKey, values: MessageValues = {}): string => {
    const template = this.texts[key];
    if (template === undefined) throw new Error(`Missing message "${key}"`);
    return template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`Message "${key}" needs a value for {${name}}`);
      return String(value);
    });
  };

  keys(): MessageKey[] {
    return Object.keys(this.texts).filter((key) => this.has(key));
  }

  has(key: string): key is MessageKey {
    return Object.prototype.hasOwnProperty.call(this.texts, key);
  }
}
