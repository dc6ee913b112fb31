import type { CellMark, Column, ListFormat, ListSummary, Row, Severity } from "../types";

/** A sample file the in-memory backend can open, addressed by its path. */
export interface SampleFile {
  path: string;
  format: ListFormat;
  rows: number;
  /** The encoding the bytes really are in; a different override shows mojibake. */
  encoding?: string;
  delimiter?: string;
  sheets: string[];
  /** Rows above the heading row (a title block). */
  titleRows: number;
  headerConfident: boolean;
}

export const SAMPLE_FILES: SampleFile[] = [
  {
    path: "/home/demo/Lists/customers-1m.csv",
    format: "csv",
    rows: 1_000_000,
    encoding: "UTF-8",
    delimiter: ",",
    sheets: [],
    titleRows: 0,
    headerConfident: true,
  },
  {
    path: "/home/demo/Lists/spring-mailing.xlsx",
    format: "xlsx",
    rows: 2_400,
    sheets: ["Recipients", "Suppressed"],
    titleRows: 2,
    headerConfident: false,
  },
  {
    path: "/home/demo/Lists/small-clean.csv",
    format: "csv",
    rows: 40,
    encoding: "UTF-8",
    delimiter: ";",
    sheets: [],
    titleRows: 0,
    headerConfident: true,
  },
];

export const HEADINGS = [
  "First name",
  "Last name",
  "Company",
  "Address 1",
  "Address 2",
  "Town",
  "Postcode",
  "Country",
  "Customer ref",
];

export const DETECTED_FIELDS = [
  "first_name",
  "last_name",
  "company",
  "address1",
  "address2",
  "city",
  "postcode",
  "country",
  "ref_id",
];

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Jürgen", "Donald", "Frances", "Ken", "Radia"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Müller", "Knuth", "Allen", "Thompson", "Perlman"];
const STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road"];
const TOWNS: [string, string][] = [
  ["London", "SW1A 1AA"],
  ["Manchester", "M1 1AE"],
  ["Leeds", "LS1 4DY"],
  ["Bristol", "BS1 5TR"],
  ["Glasgow", "G1 1XQ"],
  ["Cardiff", "CF10 1EP"],
];

/** One issue rule: rows whose index modulo `every` equals `at` get the issue. */
interface Rule {
  code: string;
  severity: Severity;
  column: number | null;
  every: number;
  at: number;
  message: string;
  suggestion?: string;
}

const RULES: Rule[] = [
  { code: "invalid_postcode", severity: "error", column: 6, every: 97, at: 13, message: "The postcode SW1A 1A does not match the format for GB." },
  { code: "missing_required", severity: "error", column: 5, every: 211, at: 7, message: "The city is empty." },
  { code: "formula_injection", severity: "error", column: 2, every: 389, at: 100, message: "The cell starts with = and a spreadsheet would run it as a formula." },
  { code: "duplicate", severity: "warning", column: null, every: 53, at: 20, message: "The same recipient appears on an earlier row." },
];

const MOJIBAKE_RULE: Rule = {
  code: "encoding_suspect",
  severity: "warning",
  column: 1,
  every: 10,
  at: 5,
  message: "The cell looks like UTF-8 text decoded as Windows-1252. Re-open the file with the right encoding.",
  suggestion: "Müller",
};

/** The parameters an opened list was read with. */
export interface OpenedList {
  file: SampleFile;
  summary: ListSummary;
  /** True when the chosen delimiter splits nothing, so every line is one cell. */
  collapsed: boolean;
  mojibake: boolean;
  rows: number;
  rules: Rule[];
  errorRowIndexes?: number[];
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Reads a sample file with the given overrides, as open_list would. */
export function readSample(
  file: SampleFile,
  listId: string,
  overrides: { encoding?: string; delimiter?: string; sheet?: string; headerRow?: number },
): OpenedList {
  const encoding = file.format === "csv" ? (overrides.encoding ?? file.encoding) : undefined;
  const delimiter = file.format === "csv" ? (overrides.delimiter ?? file.delimiter) : undefined;
  const sheet = file.sheets.length > 0 ? (overrides.sheet ?? file.sheets[0]) : undefined;
  const detectedHeader = file.titleRows + 1;
  const headerRow = overrides.headerRow ?? detectedHeader;
  const collapsed = delimiter !== undefined && delimiter !== file.delimiter;
  const mojibake = encoding !== undefined && encoding.toLowerCase() !== (file.encoding ?? "").toLowerCase();
  const rows = sheet === "Suppressed" ? 120 : file.rows - (headerRow - detectedHeader);

  const columns: Column[] = collapsed
    ? [{ index: 0, heading: HEADINGS.join(file.delimiter ?? ",") }]
    : HEADINGS.map((heading, index) => ({ index, heading, field: DETECTED_FIELDS[index] }));

  let rules = RULES;
  if (collapsed) {
    rules = [];
  } else if (mojibake) {
    rules = [...RULES, MOJIBAKE_RULE];
  }
  return {
    file,
    collapsed,
    mojibake,
    rows: Math.max(rows, 0),
    rules,
    summary: {
      listId,
      fileName: fileName(file.path),
      format: file.format,
      ...(encoding !== undefined ? { encoding } : {}),
      ...(delimiter !== undefined ? { delimiter } : {}),
      sheets: file.sheets,
      ...(sheet !== undefined ? { sheet } : {}),
      headerRow,
      headerConfident: file.headerConfident && overrides.headerRow === undefined,
      columns,
      missingRequired: [],
      fileBytes: file.rows * 96,
    },
  };
}

function ruleHits(list: OpenedList, index: number): Rule[] {
  return list.rules.filter((rule) => index % rule.every === rule.at);
}

/** Builds data row `index` (0-based, below the heading row). */
export function sampleRow(list: OpenedList, index: number): Row {
  const hits = ruleHits(list, index);
  const [town, postcode] = TOWNS[index % TOWNS.length] ?? ["London", "SW1A 1AA"];
  let last = LAST[(index * 7) % LAST.length] ?? "Lovelace";
  if (list.mojibake && index % MOJIBAKE_RULE.every === MOJIBAKE_RULE.at) {
    last = "MÃ¼ller";
  } else if (index % MOJIBAKE_RULE.every === MOJIBAKE_RULE.at) {
    last = "Müller";
  }
  let company = index % 3 === 0 ? "Acme Mail Ltd" : "";
  if (hits.some((rule) => rule.code === "formula_injection")) {
    company = '=HYPERLINK("http://example.invalid","x")';
  }
  const cells = [
    FIRST[index % FIRST.length] ?? "Ada",
    last,
    company,
    `${(index % 250) + 1} ${STREETS[index % STREETS.length] ?? "High Street"}`,
    index % 5 === 0 ? `Flat ${(index % 9) + 1}` : "",
    hits.some((rule) => rule.code === "missing_required") ? "" : town,
    hits.some((rule) => rule.code === "invalid_postcode") ? "SW1A 1A" : postcode,
    "GB",
    `C${String(100000 + index)}`,
  ];
  const marks: CellMark[] = hits.map((rule) => ({ column: rule.column, severity: rule.severity, code: rule.code }));
  const rowNumber = list.summary.headerRow + 1 + index;
  if (list.collapsed) {
    return { rowNumber, cells: [cells.join(list.file.delimiter ?? ",")], marks: [] };
  }
  return { rowNumber, cells, marks };
}

/** Indexes of the rows with at least one error, computed once per opened list. */
export function errorRowIndexes(list: OpenedList): number[] {
  if (list.errorRowIndexes === undefined) {
    const errorRules = list.rules.filter((rule) => rule.severity === "error");
    const indexes: number[] = [];
    for (let index = 0; index < list.rows; index += 1) {
      if (errorRules.some((rule) => index % rule.every === rule.at)) {
        indexes.push(index);
      }
    }
    list.errorRowIndexes = indexes;
  }
  return list.errorRowIndexes;
}

/** Counts the rows a rule hits among the first `rows` rows. */
function countHits(rule: Rule, rows: number): number {
  if (rows <= rule.at) {
    return 0;
  }
  return Math.floor((rows - 1 - rule.at) / rule.every) + 1;
}

export function issueCounts(list: OpenedList): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of list.rules) {
    const count = countHits(rule, list.rows);
    if (count > 0) {
      counts[rule.code] = count;
    }
  }
  return counts;
}

export function rowsWithSeverity(list: OpenedList, severity: Severity): number {
  if (severity === "error") {
    return errorRowIndexes(list).length;
  }
  let count = 0;
  const rules = list.rules.filter((rule) => rule.severity === severity);
  for (let index = 0; index < list.rows; index += 1) {
    if (rules.some((rule) => index % rule.every === rule.at)) {
      count += 1;
    }
  }
  return count;
}

/** Lists issues of one code (or all codes, in row order) from `offset`. */
export function sampleIssues(list: OpenedList, code: string | undefined, offset: number, limit: number) {
  const rules = list.rules.filter((rule) => code === undefined || rule.code === code);
  const fieldOf = (column: number | null) => (column === null ? undefined : DETECTED_FIELDS[column]);
  const toIssue = (rule: Rule, index: number) => ({
    rowNumber: list.summary.headerRow + 1 + index,
    ...(rule.column !== null ? { column: rule.column } : {}),
    ...(fieldOf(rule.column) !== undefined ? { field: fieldOf(rule.column) } : {}),
    code: rule.code,
    severity: rule.severity,
    message: rule.message,
    ...(rule.suggestion !== undefined ? { suggestion: rule.suggestion } : {}),
  });
  const total = rules.reduce((sum, rule) => sum + countHits(rule, list.rows), 0);

  if (rules.length === 1 && rules[0] !== undefined) {
    const rule = rules[0];
    const issues = [];
    for (let k = offset; k < Math.min(offset + limit, total); k += 1) {
      issues.push(toIssue(rule, rule.at + k * rule.every));
    }
    return { total, omitted: 0, issues };
  }

  // Walks rows in order; fine for the sample sizes because the walk stops at offset + limit.
  const issues = [];
  let seen = 0;
  for (let index = 0; index < list.rows && issues.length < limit; index += 1) {
    for (const rule of rules) {
      if (index % rule.every === rule.at) {
        if (seen >= offset && issues.length < limit) {
          issues.push(toIssue(rule, index));
        }
        seen += 1;
      }
    }
  }
  return { total, omitted: 0, issues };
}
