/** Short names for the validation issue codes; unknown codes show as they are. */
const LABELS: Record<string, string> = {
  missing_required: "Missing required field",
  invalid_postcode: "Invalid postcode",
  leading_zero_lost: "ZIP code lost its leading zero",
  precision_lost: "Number lost its digits",
  unknown_country: "Unknown country",
  duplicate: "Duplicate recipient",
  formula_injection: "Cell would run as a formula",
  field_too_long: "Field too long to print",
  control_characters: "Control characters",
  encoding_suspect: "Wrong text encoding suspected",
  ragged_row: "Wrong number of fields",
  empty_row: "Empty row",
};

export function issueLabel(code: string): string {
  return LABELS[code] ?? code;
}
