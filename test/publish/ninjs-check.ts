// A checker for IPTC ninjs 2.0 objects, written for our tests from the
// rules of the 2.0 JSON schema (iptc/newsinjson,
// specification/ninjs-schema_2.0.json), restated here in our own words: the
// one required property (`uri`), the properties an object may have and no
// others, each one's JSON type, the enumerations, the required member of
// each kind of array element, and the date-time and URI formats. Not the
// GeoJSON alternative for places, which we never write.
// It returns the problems found, each as "path: what", so that a failing
// test names them all at once.

type Kind = 'string' | 'number' | 'uri' | 'date-time' | 'associations' | { enum: readonly string[] } | { array: Shape } | { object: Shape };

interface Shape {
  fields: Record<string, Kind>;
  required?: readonly string[];
  /** One and only one of these must be there (rightsinfo: linked or encoded rights). */
  oneOf?: readonly string[];
}

const text = (extra: Record<string, Kind> = {}): Shape => ({
  fields: { role: 'string', contenttype: 'string', value: 'string', ...extra },
  required: ['value'],
});
const concept = (extra: Record<string, Kind> = {}): Shape => ({ fields: { name: 'string', rel: 'string', uri: 'uri', literal: 'string', ...extra } });

const ninjsFields: Record<string, Kind> = {
  uri: 'uri',
  type: { enum: ['text', 'audio', 'video', 'picture', 'graphic', 'composite', 'component'] },
  representationtype: { enum: ['full', 'partial'] },
  profile: 'string',
  version: 'string',
  firstcreated: 'date-time',
  versioncreated: 'date-time',
  contentcreated: 'date-time',
  embargoed: 'date-time',
  pubstatus: { enum: ['usable', 'withheld', 'canceled'] },
  urgency: 'number',
  copyrightholder: 'string',
  copyrightnotice: 'string',
  usageterms: 'string',
  ednote: 'string',
  language: 'string',
  descriptions: { array: text() },
  bodies: { array: text({ charcount: 'number', wordcount: 'number' }) },
  headlines: { array: text() },
  people: { array: concept() },
  organisations: { array: concept({ symbols: { array: { fields: { ticker: 'string', exchange: 'string' } } } }) },
  places: { array: concept() },
  subjects: { array: concept() },
  events: { array: concept() },
  objects: { array: concept() },
  infosources: { array: { fields: { name: 'string', role: 'uri', uri: 'uri', literal: 'string' } } },
  title: 'string',
  by: 'string',
  slugline: 'string',
  located: 'string',
  renditions: {
    array: {
      fields: {
        name: 'string',
        href: 'uri',
        contenttype: 'string',
        title: 'string',
        height: 'number',
        width: 'number',
        sizeinbytes: 'number',
        duration: 'number',
        format: 'string',
      },
      required: ['name'],
    },
  },
  associations: 'associations',
  altids: { array: { fields: { role: 'string', value: 'string' } } },
  trustindicators: { array: { fields: { role: 'uri', title: 'string', href: 'uri' } } },
  standard: { object: { fields: { name: 'string', version: 'string', schema: 'uri' } } },
  genres: { array: { fields: { name: 'string', uri: 'uri', literal: 'string' } } },
  rightsinfo: { object: { fields: { langid: 'uri', linkedrights: 'uri', encodedrights: 'string' }, oneOf: ['linkedrights', 'encodedrights'] } },
};

// RFC 3339 section 5.6, as JSON Schema's date-time format means it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The problems of `value` as a ninjs 2.0 object; [] when there are none. */
export function checkNinjs(value: unknown, path = 'item'): string[] {
  if (!isObject(value)) return [`${path}: not an object`];
  return checkShape(value, { fields: ninjsFields, required: ['uri'] }, path);
}

/**
 * Each association is an object with a name (the schema's first
 * alternative), or a whole ninjs object. We hold ours to both: a name, and
 * every other property a ninjs property of the right type.
 */
function checkAssociations(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) return [`${path}: not an array`];
  return value.flatMap((a, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(a)) return [`${at}: not an object`];
    const { name, ...rest } = a;
    return [...(typeof name === 'string' ? [] : [`${at}.name: missing or not a string`]), ...checkShape(rest, { fields: ninjsFields }, at)];
  });
}

function checkShape(value: Record<string, unknown>, shape: Shape, path: string): string[] {
  const problems: string[] = [];
  for (const name of shape.required ?? []) if (!(name in value)) problems.push(`${path}.${name}: required`);
  if (shape.oneOf && shape.oneOf.filter((n) => n in value).length !== 1) problems.push(`${path}: exactly one of ${shape.oneOf.join(', ')}`);
  for (const [name, field] of Object.entries(value)) {
    const kind = shape.fields[name];
    if (kind === undefined) problems.push(`${path}.${name}: not a property here`);
    else problems.push(...checkKind(field, kind, `${path}.${name}`));
  }
  return problems;
}

function checkKind(value: unknown, kind: Kind, path: string): string[] {
  if (kind === 'associations') return checkAssociations(value, path);
  if (kind === 'string') return typeof value === 'string' ? [] : [`${path}: not a string`];
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: not a number`];
  if (kind === 'uri') return typeof value === 'string' && URL.canParse(value) ? [] : [`${path}: not a URI`];
  if (kind === 'date-time') return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: not an RFC 3339 date-time`];
  if ('enum' in kind) return typeof value === 'string' && kind.enum.includes(value) ? [] : [`${path}: not one of ${kind.enum.join(', ')}`];
  if ('object' in kind) return isObject(value) ? checkShape(value, kind.object, path) : [`${path}: not an object`];
  if (!Array.isArray(value)) return [`${path}: not an array`];
  return value.flatMap((element, i) => (isObject(element) ? checkShape(element, kind.array, `${path}[${i}]`) : [`${path}[${i}]: not an object`]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
