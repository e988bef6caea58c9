// fromCsv: a CSV file as a Dataset of rows, with tf.data.csv's options.
import { CsvError, readCsvChunks, type CsvReadOptions } from './csv-reader.js';
import { Dataset } from './dataset.js';
import type { DownloadOptions } from './io/download.js';
import { openLocation } from './io/open.js';
import type { DataLocation, Resource } from './io/resource.js';
import type { XY } from './types.js';

/** How to read one column, as `ColumnConfig` in tfjs. */
export interface ColumnConfig {
  /** An empty value is an error (default false). */
  required?: boolean;
  /** Parse as this type; without it numbers become numbers and the rest stays text. */
  dtype?: 'float32' | 'int32' | 'bool' | 'string';
  /** Value used when the field is empty. */
  default?: number | string | boolean;
  /** The column is a label: elements become `{xs: features, ys: labels}`. */
  isLabel?: boolean;
}

/** Options of {@link fromCsv}. */
export interface CsvOptions extends CsvReadOptions {
  /** The first row holds the column names (default true). */
  hasHeader?: boolean;
  /** Column names; override the header when both are present. */
  columnNames?: string[];
  /** Per-column parsing, keyed by column name. */
  columnConfigs?: Record<string, ColumnConfig>;
  /** Keep only the columns named in `columnConfigs`. */
  configuredColumnsOnly?: boolean;
  /** Download options when the source is an http(s) URL. */
  download?: DownloadOptions;
}

/** A parsed field value. */
export type CsvValue = number | string | boolean | undefined;

/** A CSV row: column name to value. */
export type CsvRecord = Record<string, CsvValue>;

function convert(raw: string, name: string, config: ColumnConfig | undefined, file: string, line: number): CsvValue {
  if (raw === '') {
    if (config?.default !== undefined) return config.default;
    if (config?.required) throw new CsvError(file, line, `required column "${name}" is empty`);
    return undefined;
  }
  switch (config?.dtype) {
    case 'string':
      return raw;
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (v === '1' || v === 'true') return true;
      if (v === '0' || v === 'false') return false;
      throw new CsvError(file, line, `column "${name}": "${raw}" is not a boolean`);
    }
    case 'float32':
    case 'int32': {
      const v = Number(raw);
      if (Number.isNaN(v) && raw.trim() !== 'NaN') throw new CsvError(file, line, `column "${name}": "${raw}" is not a number`);
      return config.dtype === 'int32' ? Math.trunc(v) : v;
    }
    default: {
      const v = Number(raw);
      return raw.trim() !== '' && !Number.isNaN(v) ? v : raw;
    }
  }
}

interface Plan {
  names: string[];
  keep: number[];
  labels: boolean[];
  configs: (ColumnConfig | undefined)[];
}

function plan(header: string[], options: CsvOptions, file: string): Plan {
  const names = options.columnNames ?? header;
  if (new Set(names).size !== names.length) throw new Error(`fromCsv(${file}): duplicate column names: ${names.join(', ')}`);
  const configs = options.columnConfigs ?? {};
  for (const key of Object.keys(configs)) {
    if (!names.includes(key))
      throw new Error(`fromCsv(${file}): columnConfigs names "${key}", which is not a column (columns: ${names.join(', ')})`);
  }
  const keep = names.map((_, i) => i).filter((i) => !options.configuredColumnsOnly || names[i]! in configs);
  return { names, keep, labels: names.map((n) => configs[n]?.isLabel === true), configs: names.map((n) => configs[n]) };
}

/**
 * A dataset of the rows of a CSV file (path, URL, bytes or Blob; gzip is
 * detected), like `tf.data.csv`: each element maps column names to values.
 * When a column is configured with `isLabel`, elements are `{xs, ys}` objects of
 * feature and label columns, ready for `batch` and `fitDataset`. The file is
 * streamed, never held whole; malformed rows throw a {@link CsvError} naming the
 * file and line.
 */
export function fromCsv(source: DataLocation, options: CsvOptions = {}): Dataset<CsvRecord | XY<CsvRecord, CsvRecord>> {
  const hasHeader = options.hasHeader ?? true;
  if (!hasHeader && !options.columnNames) throw new Error('fromCsv: without a header row, columnNames must be given');
  let resource: Promise<Resource> | undefined;
  return new Dataset(() =>
    (async function* () {
      resource ??= openLocation(source, options.download, 'csv');
      const res = await resource.catch((e) => {
        resource = undefined;
        throw e;
      });
      let p: Plan | undefined = hasHeader ? undefined : plan([], options, res.name);
      const anyLabel = () => p!.labels.some(Boolean);
      for await (const rows of readCsvChunks(res, options)) {
        for (const { fields, line } of rows) {
          if (!p) {
            p = plan(
              fields.map((f) => f.trim()),
              options,
              res.name,
            );
            continue;
          }
          if (fields.length !== p.names.length) {
            throw new CsvError(res.name, line, `expected ${p.names.length} fields (${p.names.join(', ')}), found ${fields.length}`);
          }
          if (anyLabel()) {
            const xs: CsvRecord = {};
            const ys: CsvRecord = {};
            for (const i of p.keep) (p.labels[i] ? ys : xs)[p.names[i]!] = convert(fields[i]!, p.names[i]!, p.configs[i], res.name, line);
            yield { xs, ys };
          } else {
            const el: CsvRecord = {};
            for (const i of p.keep) el[p.names[i]!] = convert(fields[i]!, p.names[i]!, p.configs[i], res.name, line);
            yield el;
          }
        }
      }
    })(),
  );
}
