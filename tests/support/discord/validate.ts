/**
 * The payload limits Discord enforces, checked the way Discord reports them: a 400 with code 50035
 * ("Invalid Form Body") and an `errors` tree keyed by the offending path, or code 50006 for an empty message.
 * Lengths are counted in Unicode code points.
 */

/** One problem with a request body, at a path like `['embeds', 0, 'description']`. */
export interface FormIssue {
  path: (string | number)[];
  /** Discord's error code for the field, e.g. `BASE_TYPE_MAX_LENGTH`. */
  code: string;
  message: string;
}

/** A Discord JSON error body. */
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

/** Narrows an unknown JSON value to an object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length in code points, as Discord counts. */
export function textLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** The Discord error body for a set of form issues (code 50035, nested `_errors`). */
export function formErrorBody(issues: FormIssue[]): DiscordErrorBody {
  const errors: Record<string, unknown> = {};
  for (const issue of issues) {
    let node: Record<string, unknown> = errors;
    for (const key of issue.path) {
      const k = String(key);
      const next = node[k];
      if (isRecord(next)) node = next;
      else {
        const created: Record<string, unknown> = {};
        node[k] = created;
        node = created;
      }
    }
    const list = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
    list.push({ code: issue.code, message: issue.message });
    node._errors = list;
  }
  return { code: 50035, message: 'Invalid Form Body', errors };
}

/** Discord's flattened rendering of an issue, as discord.js prints it: `embeds[0].description[BASE_TYPE_MAX_LENGTH]: …`. */
export function describeIssue(issue: FormIssue): string {
  const path = issue.path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
  return `${path}[${issue.code}]: ${issue.message}`;
}

type Path = (string | number)[];

class Checker {
  readonly issues: FormIssue[] = [];

  add(path: Path, code: string, message: string): void {
    this.issues.push({ path, code, message });
  }

  maxLength(path: Path, value: unknown, max: number): void {
    if (typeof value === 'string' && textLength(value) > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }

  bad(path: Path, value: unknown, min: number, max: number): void {
    if (typeof value !== 'string') return;
    const n = textLength(value);
    if (n < min || n > max) this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  required(path: Path, value: unknown): boolean {
    if (value === undefined || value === null || value === '') {
      this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return false;
    }
    return true;
  }

  string(path: Path, value: unknown): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'string') {
      this.add(path, 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
      return false;
    }
    return true;
  }

  arrayMax(path: Path, value: unknown, max: number): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.add(path, 'LIST_TYPE_CONVERT', 'Must be an array.');
      return [];
    }
    if (value.length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    return value as unknown[];
  }

  url(path: Path, value: unknown, schemes: readonly string[]): void {
    if (typeof value !== 'string') return;
    let ok = false;
    try {
      const parsed = new URL(value);
      ok = schemes.includes(parsed.protocol.replace(/:$/, ''));
    } catch {
      ok = false;
    }
    if (!ok) {
      this.add(path, 'URL_TYPE_INVALID_URL', `Not a well formed URL.`);
    } else if (textLength(value) > 2048) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 2048 or fewer in length.');
    }
  }
}

const WEB = ['http', 'https'] as const;
const WEB_OR_ATTACHMENT = ['http', 'https', 'attachment'] as const;

function checkEmbeds(c: Checker, value: unknown, base: Path): void {
  const embeds = c.arrayMax([...base, 'embeds'], value, 10);
  let total = 0;
  embeds.forEach((raw, i) => {
    const p: Path = [...base, 'embeds', i];
    if (!isRecord(raw)) {
      c.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const add = (v: unknown): void => {
      if (typeof v === 'string') total += textLength(v);
    };
    if (c.string([...p, 'title'], raw.title)) c.maxLength([...p, 'title'], raw.title, 256);
    add(raw.title);
    if (c.string([...p, 'description'], raw.description)) c.maxLength([...p, 'description'], raw.description, 4096);
    add(raw.description);
    c.url([...p, 'url'], raw.url, WEB);
    if (raw.color !== undefined && raw.color !== null) {
      if (typeof raw.color !== 'number' || !Number.isInteger(raw.color) || raw.color < 0 || raw.color > 0xffffff) {
        c.add([...p, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
      }
    }
    if (raw.timestamp !== undefined && raw.timestamp !== null) {
      if (typeof raw.timestamp !== 'string' || Number.isNaN(Date.parse(raw.timestamp))) {
        c.add([...p, 'timestamp'], 'DATE_TIME_TYPE_PARSE', 'Could not parse timestamp. Should be ISO8601.');
      }
    }
    if (raw.footer !== undefined && raw.footer !== null) {
      if (!isRecord(raw.footer)) c.add([...p, 'footer'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      else {
        if (c.required([...p, 'footer', 'text'], raw.footer.text) && c.string([...p, 'footer', 'text'], raw.footer.text)) {
          c.maxLength([...p, 'footer', 'text'], raw.footer.text, 2048);
        }
        add(raw.footer.text);
        c.url([...p, 'footer', 'icon_url'], raw.footer.icon_url, WEB_OR_ATTACHMENT);
      }
    }
    if (raw.author !== undefined && raw.author !== null) {
      if (!isRecord(raw.author)) c.add([...p, 'author'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      else {
        if (c.required([...p, 'author', 'name'], raw.author.name) && c.string([...p, 'author', 'name'], raw.author.name)) {
          c.maxLength([...p, 'author', 'name'], raw.author.name, 256);
        }
        add(raw.author.name);
        c.url([...p, 'author', 'url'], raw.author.url, WEB);
        c.url([...p, 'author', 'icon_url'], raw.author.icon_url, WEB_OR_ATTACHMENT);
      }
    }
    for (const key of ['image', 'thumbnail'] as const) {
      const media = raw[key];
      if (media === undefined || media === null) continue;
      if (!isRecord(media)) c.add([...p, key], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      else if (c.required([...p, key, 'url'], media.url)) c.url([...p, key, 'url'], media.url, WEB_OR_ATTACHMENT);
    }
    const fields = c.arrayMax([...p, 'fields'], raw.fields, 25);
    fields.forEach((field, j) => {
      const fp: Path = [...p, 'fields', j];
      if (!isRecord(field)) {
        c.add(fp, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        return;
      }
      if (c.required([...fp, 'name'], field.name) && c.string([...fp, 'name'], field.name)) {
        c.maxLength([...fp, 'name'], field.name, 256);
      }
      if (c.required([...fp, 'value'], field.value) && c.string([...fp, 'value'], field.value)) {
        c.maxLength([...fp, 'value'], field.value, 1024);
      }
      add(field.name);
      add(field.value);
    });
  });
  if (total > 6000) {
    c.add([...base, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const IS_COMPONENTS_V2 = 1 << 15;

function checkComponents(c: Checker, value: unknown, base: Path, flags: number): void {
  if ((flags & IS_COMPONENTS_V2) !== 0) {
    // Components V2 layouts have different rules (40 components in total); only the basics are checked.
    c.arrayMax([...base, 'components'], value, 40);
    return;
  }
  const rows = c.arrayMax([...base, 'components'], value, 5);
  const customIds = new Set<string>();
  rows.forEach((row, i) => {
    const rp: Path = [...base, 'components', i];
    if (!isRecord(row) || row.type !== 1) {
      c.add([...rp, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
      return;
    }
    const children = c.arrayMax([...rp, 'components'], row.components, 5);
    if (children.length === 0) c.add([...rp, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
    const hasSelect = children.some((child) => isRecord(child) && typeof child.type === 'number' && SELECT_TYPES.has(child.type));
    if (hasSelect && children.length > 1) {
      c.add([...rp, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    children.forEach((child, j) => {
      const cp: Path = [...rp, 'components', j];
      if (!isRecord(child)) {
        c.add(cp, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        return;
      }
      if (child.type === 2) {
        const style = child.style;
        if (typeof style !== 'number' || style < 1 || style > 6) {
          c.add([...cp, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
        }
        c.maxLength([...cp, 'label'], child.label, 80);
        if (style === 5) {
          if (c.required([...cp, 'url'], child.url)) c.url([...cp, 'url'], child.url, ['http', 'https', 'discord']);
          if (child.custom_id !== undefined) c.add([...cp, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A custom id is not allowed on a link button');
        } else if (style !== 6) {
          if (c.required([...cp, 'custom_id'], child.custom_id)) c.bad([...cp, 'custom_id'], child.custom_id, 1, 100);
          if (child.url !== undefined) c.add([...cp, 'url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'A url is not allowed on a non-link button');
        }
        if (child.label === undefined && child.emoji === undefined) {
          c.add(cp, 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button needs a label or an emoji');
        }
      } else if (typeof child.type === 'number' && SELECT_TYPES.has(child.type)) {
        if (c.required([...cp, 'custom_id'], child.custom_id)) c.bad([...cp, 'custom_id'], child.custom_id, 1, 100);
        c.maxLength([...cp, 'placeholder'], child.placeholder, 150);
        if (child.type === 3) {
          const options = c.arrayMax([...cp, 'options'], child.options, 25);
          if (options.length === 0) c.add([...cp, 'options'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 25 in length.');
          options.forEach((option, k) => {
            if (!isRecord(option)) return;
            const op: Path = [...cp, 'options', k];
            if (c.required([...op, 'label'], option.label)) c.bad([...op, 'label'], option.label, 1, 100);
            if (c.required([...op, 'value'], option.value)) c.bad([...op, 'value'], option.value, 1, 100);
            c.maxLength([...op, 'description'], option.description, 100);
          });
        }
      } else {
        c.add([...cp, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).');
      }
      if (typeof child.custom_id === 'string') {
        if (customIds.has(child.custom_id)) {
          c.add([...cp, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
        }
        customIds.add(child.custom_id);
      }
    });
  });
}

function checkAllowedMentions(c: Checker, value: unknown, base: Path): void {
  if (!isRecord(value)) return;
  const parse = Array.isArray(value.parse) ? (value.parse as unknown[]) : [];
  for (const [i, kind] of parse.entries()) {
    if (kind !== 'roles' && kind !== 'users' && kind !== 'everyone') {
      c.add([...base, 'allowed_mentions', 'parse', i], 'BASE_TYPE_CHOICES', 'Value must be one of {"everyone", "roles", "users"}.');
    }
  }
  for (const kind of ['users', 'roles'] as const) {
    const list = c.arrayMax([...base, 'allowed_mentions', kind], value[kind], 100);
    if (parse.includes(kind) && list.length > 0) {
      c.add([...base, 'allowed_mentions', kind], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
    }
  }
}

/** The outcome of checking a message payload. */
export interface MessageCheck {
  issues: FormIssue[];
  /** True when the payload has nothing to show: no content (after trimming), embeds, components, files, stickers or poll. */
  empty: boolean;
}

/**
 * Checks a message payload (create, edit, webhook execute, or the `data` of an interaction response)
 * against Discord's limits. `base` prefixes the error paths (`['data']` for interaction callbacks).
 */
export function checkMessagePayload(body: unknown, fileCount: number, base: Path = []): MessageCheck {
  const c = new Checker();
  if (!isRecord(body)) {
    if (fileCount > 0) return { issues: [], empty: false };
    return { issues: [{ path: base, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' }], empty: true };
  }
  if (c.string([...base, 'content'], body.content)) c.maxLength([...base, 'content'], body.content, 2000);
  checkEmbeds(c, body.embeds, base);
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  checkComponents(c, body.components, base, flags);
  checkAllowedMentions(c, body.allowed_mentions, base);
  if (fileCount > 10) c.add([...base, 'files'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  const content = typeof body.content === 'string' ? body.content.trim() : '';
  const nonEmptyArray = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
  const empty =
    content === '' &&
    !nonEmptyArray(body.embeds) &&
    !nonEmptyArray(body.components) &&
    !nonEmptyArray(body.sticker_ids) &&
    !nonEmptyArray(body.attachments) &&
    body.poll === undefined &&
    fileCount === 0;
  return { issues: c.issues, empty };
}

/** Checks the `data` of an autocomplete result (interaction response type 8). */
export function checkAutocompleteChoices(data: unknown): FormIssue[] {
  const c = new Checker();
  if (!isRecord(data)) {
    c.add(['data'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return c.issues;
  }
  const choices = c.arrayMax(['data', 'choices'], data.choices, 25);
  choices.forEach((choice, i) => {
    const p: Path = ['data', 'choices', i];
    if (!isRecord(choice)) return;
    if (c.required([...p, 'name'], choice.name)) c.bad([...p, 'name'], choice.name, 1, 100);
    if (typeof choice.value === 'string') c.maxLength([...p, 'value'], choice.value, 100);
    else if (typeof choice.value !== 'number') c.add([...p, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  });
  return c.issues;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkCommandOptions(c: Checker, options: unknown, p: Path, depth: number): void {
  const list = c.arrayMax([...p, 'options'], options, 25);
  let seenOptional = false;
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const op: Path = [...p, 'options', i];
    if (!isRecord(raw)) return;
    const type = raw.type;
    if (typeof type !== 'number' || type < 1 || type > 11) {
      c.add([...op, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
    }
    if (c.required([...op, 'name'], raw.name) && typeof raw.name === 'string') {
      if (!COMMAND_NAME.test(raw.name) || raw.name !== raw.name.toLowerCase()) {
        c.add([...op, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      if (names.has(raw.name)) c.add([...op, 'name'], 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option name already exists');
      names.add(raw.name);
    }
    if (c.required([...op, 'description'], raw.description)) c.bad([...op, 'description'], raw.description, 1, 100);
    if (raw.required === true && seenOptional) {
      c.add([...op, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID_ORDER', 'Required options must be placed before non-required options');
    }
    if (raw.required !== true && type !== 1 && type !== 2) seenOptional = true;
    const choices = c.arrayMax([...op, 'choices'], raw.choices, 25);
    choices.forEach((choice, j) => {
      if (isRecord(choice) && c.required([...op, 'choices', j, 'name'], choice.name)) {
        c.bad([...op, 'choices', j, 'name'], choice.name, 1, 100);
      }
    });
    if (raw.autocomplete === true && choices.length > 0) {
      c.add([...op, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE_EXCLUSIVE', 'Autocomplete and choices cannot both be set');
    }
    if (type === 1 || type === 2) {
      if (depth >= (type === 2 ? 1 : 2)) c.add([...op, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommands cannot be nested this deep');
      checkCommandOptions(c, raw.options, op, depth + 1);
    }
  });
}

/** Checks a bulk-overwrite body of application commands (PUT …/commands). */
export function checkCommands(body: unknown): FormIssue[] {
  const c = new Checker();
  if (!Array.isArray(body)) {
    c.add([], 'LIST_TYPE_CONVERT', 'Must be an array.');
    return c.issues;
  }
  if (body.length > 100) c.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  const names = new Set<string>();
  body.forEach((raw: unknown, i) => {
    const p: Path = [i];
    if (!isRecord(raw)) {
      c.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const type = raw.type ?? 1;
    if (c.required([...p, 'name'], raw.name) && typeof raw.name === 'string') {
      if (type === 1 && (!COMMAND_NAME.test(raw.name) || raw.name !== raw.name.toLowerCase())) {
        c.add([...p, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      } else {
        c.bad([...p, 'name'], raw.name, 1, 32);
      }
      const key = `${String(type)}:${raw.name}`;
      if (names.has(key)) c.add([...p, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
      names.add(key);
    }
    if (type === 1) {
      if (c.required([...p, 'description'], raw.description)) c.bad([...p, 'description'], raw.description, 1, 100);
      checkCommandOptions(c, raw.options, p, 0);
    }
  });
  return c.issues;
}
