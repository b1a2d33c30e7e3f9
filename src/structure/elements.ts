// Placeholder replaced by the structure-input work: element table.
export function electronegativity(_el: string): number {
  return 0;
}
