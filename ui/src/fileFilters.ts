/** The extensions of the list formats the reader detects (it reads the content, not the name). */
export const LIST_EXTENSIONS = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"];

export interface FileFilter {
  name: string;
  extensions: string[];
}

/**
 * Filters for the open dialog: the list formats, then every file.
 *
 * The GTK 3 dialog on Linux matches the `*.ext` patterns case-sensitively, so each
 * extension is also given in upper case (`LIST.CSV`, as some exports name files).
 * NOTE: a mixed-case name such as `List.Csv` matches only "All files" there.
 * The "*" extension becomes the pattern `*.*` on GTK, so a file with no dot in its
 * name also needs the dialog's typed path.
 */
export const LIST_FILE_FILTERS: FileFilter[] = [
  { name: "Mailing lists", extensions: [...LIST_EXTENSIONS, ...LIST_EXTENSIONS.map((extension) => extension.toUpperCase())] },
  { name: "All files", extensions: ["*"] },
];
