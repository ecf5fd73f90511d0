import {
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  lexicographicSortSchema,
  print,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLScalarType,
  type GraphQLSchema,
  type GraphQLType,
  type GraphQLUnionType,
} from 'graphql';

/**
 * The API reference as Markdown: the root fields with their signatures, then every named type,
 * grouped by kind, each with its description. Everything comes from the schema's own
 * descriptions, so the document changes only when the schema does.
 */
export function renderApiMarkdown(unsorted: GraphQLSchema): string {
  const schema = lexicographicSortSchema(unsorted);
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (root): root is GraphQLObjectType => Boolean(root),
  );
  const named = Object.values(schema.getTypeMap()).filter(
    (type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type) && !roots.includes(type as GraphQLObjectType),
  );
  const sections: [string, string[]][] = [
    ['Queries', rootSection(schema.getQueryType())],
    ['Mutations', rootSection(schema.getMutationType())],
    ['Subscriptions', rootSection(schema.getSubscriptionType())],
    ['Types', named.filter(isObjectType).map(objectSection)],
    ['Inputs', named.filter(isInputObjectType).map(inputSection)],
    ['Enums', named.filter(isEnumType).map(enumSection)],
    ['Unions', named.filter(isUnionType).map(unionSection)],
    ['Interfaces', named.filter(isInterfaceType).map((type) => interfaceSection(type, schema))],
    ['Scalars', named.filter(isScalarType).map(scalarSection)],
  ];
  const present = sections.filter(([, parts]) => parts.length > 0);
  return [
    '# GraphQL API reference',
    '',
    '<!-- Generated from the schema by `npm run docs:api`; do not edit by hand (`npm run docs:check` fails when it is stale). -->',
    '',
    'The API is served at `/graphql`: queries and mutations over HTTP, subscriptions over graphql-ws on the same path or as',
    'server-sent events (`POST /graphql` with `Accept: text/event-stream`). A browser opening `/graphql` gets GraphiQL,',
    'with example operations. The schema itself is checked in as [`schema/schema.graphql`](../schema/schema.graphql).',
    '',
    '## Contents',
    '',
    ...present.map(([title]) => `- [${title}](#${title.toLowerCase()})`),
    '',
    ...present.flatMap(([title, parts]) => [`## ${title}`, '', ...parts]),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()
    .concat('\n');
}

function rootSection(root: GraphQLObjectType | null | undefined): string[] {
  if (!root) return [];
  return [paragraph(root.description), ...Object.values(root.getFields()).map((field) => rootFieldSection(root, field))];
}

function rootFieldSection(root: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string {
  // Headings name the root type too: a bare `agent` would take the anchor the type Agent needs.
  return [
    `### ${root.name}.${field.name}`,
    '',
    paragraph(field.description),
    deprecation(field.deprecationReason),
    '```graphql',
    signature(field),
    '```',
    '',
    field.args.length > 0 ? table(['Argument', 'Type', 'Description'], field.args.map(argumentRow)) : '',
    `Returns ${typeLink(field.type)}.`,
    '',
  ].join('\n');
}

function objectSection(type: GraphQLObjectType): string {
  const interfaces = type.getInterfaces();
  return [
    `### ${type.name}`,
    '',
    paragraph(type.description),
    interfaces.length > 0 ? `Implements ${interfaces.map((i) => typeLink(i)).join(', ')}.\n` : '',
    fieldsTable(Object.values(type.getFields())),
  ].join('\n');
}

function interfaceSection(type: GraphQLInterfaceType, schema: GraphQLSchema): string {
  const implementations = schema.getImplementations(type).objects;
  return [
    `### ${type.name}`,
    '',
    paragraph(type.description),
    implementations.length > 0 ? `Implemented by ${implementations.map((object) => typeLink(object)).join(', ')}.\n` : '',
    fieldsTable(Object.values(type.getFields())),
  ].join('\n');
}

function inputSection(type: GraphQLInputObjectType): string {
  return [
    `### ${type.name}`,
    '',
    paragraph(type.description),
    table(['Field', 'Type', 'Description'], Object.values(type.getFields()).map(argumentRow)),
  ].join('\n');
}

function enumSection(type: GraphQLEnumType): string {
  const rows = type.getValues().map((value) => [code(value.name), cell(withDeprecation(value.description, value.deprecationReason))]);
  return [`### ${type.name}`, '', paragraph(type.description), table(['Value', 'Description'], rows)].join('\n');
}

function unionSection(type: GraphQLUnionType): string {
  const members = type.getTypes().map((member) => typeLink(member));
  return [`### ${type.name}`, '', paragraph(type.description), `One of ${members.join(', ')}.`, ''].join('\n');
}

function scalarSection(type: GraphQLScalarType): string {
  return [`### ${type.name}`, '', paragraph(type.description)].join('\n');
}

function fieldsTable(fields: GraphQLField<unknown, unknown>[]): string {
  const rows = fields.map((field) => {
    const args = field.args.map((arg) => `${code(argumentSignature(arg))}: ${arg.description ?? ''}`);
    const description = withDeprecation(field.description, field.deprecationReason);
    return [code(field.name), typeLink(field.type), cell([description, ...(args.length > 0 ? ['**Arguments:**', ...args] : [])].join('\n'))];
  });
  return table(['Field', 'Type', 'Description'], rows);
}

function argumentRow(arg: GraphQLArgument | GraphQLInputField): string[] {
  const literal = defaultLiteral(arg);
  const type = `${typeLink(arg.type)}${literal === undefined ? '' : ` (default ${code(literal)})`}`;
  return [code(arg.name), type, cell(withDeprecation(arg.description, arg.deprecationReason))];
}

/** A root field as it would be written in SDL, one argument per line when they do not fit on one. */
function signature(field: GraphQLField<unknown, unknown>): string {
  const args = field.args.map(argumentSignature);
  const oneLine = `${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}: ${String(field.type)}`;
  if (oneLine.length <= 100) return oneLine;
  return `${field.name}(\n${args.map((arg) => `  ${arg}`).join('\n')}\n): ${String(field.type)}`;
}

function argumentSignature(arg: GraphQLArgument): string {
  const literal = defaultLiteral(arg);
  return `${arg.name}: ${String(arg.type)}${literal === undefined ? '' : ` = ${literal}`}`;
}

/** The default value as a GraphQL literal (`0`, `"x"`, `[A, B]`); undefined when there is none. */
function defaultLiteral(arg: GraphQLArgument | GraphQLInputField): string | undefined {
  const literal = arg.defaultValue === undefined ? null : astFromValue(arg.defaultValue, arg.type);
  return literal ? print(literal) : undefined;
}

/** The type as written (`[Agent!]!`), linked to its section unless it is one of GraphQL's own scalars. */
function typeLink(type: GraphQLType): string {
  const named = getNamedType(type);
  return isSpecifiedScalarType(named) ? code(String(type)) : `[${code(String(type))}](#${named.name.toLowerCase()})`;
}

function table(headings: string[], rows: string[][]): string {
  return [`| ${headings.join(' | ')} |`, `| ${headings.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`), ''].join('\n');
}

function paragraph(text: string | null | undefined): string {
  return text ? `${escapeText(text)}\n` : '';
}

function deprecation(reason: string | null | undefined): string {
  return reason ? `**Deprecated:** ${escapeText(reason)}\n` : '';
}

function withDeprecation(description: string | null | undefined, reason: string | null | undefined): string {
  return [description ?? '', reason ? `**Deprecated:** ${reason}` : ''].filter(Boolean).join(' ');
}

/** Table cells hold one line: pipes are escaped and line breaks become <br>. */
function cell(text: string): string {
  return escapeText(text).replaceAll('|', '\\|').replaceAll('\n', '<br>');
}

/** A lone `*` (as in a tool rule like `Bash(git diff:*)`) must not start emphasis. */
function escapeText(text: string): string {
  return text.replace(/(?<!\*)\*(?!\*)/g, '\\*');
}

function code(text: string): string {
  return `\`${text}\``;
}
