/** @module The parsed form of a list-filter query. Positions are 0-based offsets into `text`. */

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface FieldRef {
  readonly name: string;
  readonly pos: number;
}

export interface Literal {
  readonly kind: 'string' | 'number' | 'bool';
  readonly value: string | number | boolean;
  /** As written in the query (strings with their quotes). */
  readonly raw: string;
  readonly pos: number;
}

interface Located {
  readonly field: FieldRef;
  /** Where the operator (`=`, `IN`, `NOT BETWEEN`...) starts. */
  readonly opPos: number;
}

export type Expr =
  | { readonly kind: 'and'; readonly terms: readonly Expr[] }
  | { readonly kind: 'or'; readonly terms: readonly Expr[] }
  | (Located & { readonly kind: 'compare'; readonly op: CompareOp; readonly value: Literal })
  | (Located & { readonly kind: 'in'; readonly negated: boolean; readonly values: readonly Literal[] })
  | (Located & { readonly kind: 'between'; readonly negated: boolean; readonly low: Literal; readonly high: Literal })
  | (Located & { readonly kind: 'startsWith'; readonly negated: boolean; readonly value: Literal })
  | (Located & { readonly kind: 'isNull'; readonly negated: boolean });

export interface OrderTerm {
  readonly field: FieldRef;
  readonly direction: 'ASC' | 'DESC';
}

export interface VisibilityQuery {
  readonly text: string;
  /** Absent for an empty filter (all rows). */
  readonly where?: Expr;
  readonly orderBy: readonly OrderTerm[];
  readonly groupBy: readonly FieldRef[];
}
